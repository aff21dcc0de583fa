/** Where Vertex bearer tokens come from. Implementations cache and refresh ahead of expiry. */
export interface TokenSource {
  /** A valid access token; concurrent callers share one in-flight refresh. */
  getToken(): Promise<string>;
  /** Drop a token Vertex rejected (401) so the next getToken() mints a fresh one. */
  invalidate(token: string): void;
  /** Human-readable description for logs/doctor, never containing secrets. */
  describe(): string;
  /** Headers google-auth-library wants on requests besides Authorization (e.g. x-goog-user-project). */
  extraHeaders?(): Record<string, string>;
}
