/** Process-lifetime request counters behind /health (and the Prometheus endpoint later). */
export interface HealthMetrics {
  total_requests: number;
  successful_requests: number;
  failed_requests: number;
  quota_errors: number;
  retry_attempts: number;
  success_rate: number;
}

export class Metrics {
  total = 0;
  success = 0;
  failed = 0;
  quotaErrors = 0;
  retries = 0;
  inFlight = 0;
  readonly startedAt: number;

  constructor(now: number) {
    this.startedAt = now;
  }

  /** The seed's /health metrics object; success_rate is a percentage (100 when nothing was served yet). */
  health(): HealthMetrics {
    return {
      total_requests: this.total,
      successful_requests: this.success,
      failed_requests: this.failed,
      quota_errors: this.quotaErrors,
      retry_attempts: this.retries,
      success_rate: this.total === 0 ? 100 : Math.round((this.success / this.total) * 1000) / 10,
    };
  }
}
