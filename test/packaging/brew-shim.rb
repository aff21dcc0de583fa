# frozen_string_literal: true

# A minimal stand-in for Homebrew's Formula DSL, enough to evaluate Formula/modelmux.rb without brew:
#   ruby brew-shim.rb inspect FORMULA            → JSON: assets (os/arch/url/sha256), service, caveats
#   ruby brew-shim.rb test FORMULA BINDIR TMPDIR → runs the formula's `test do` block against BINDIR/modelmux
# It mirrors the parts of Homebrew the formula uses (on_macos/on_linux/on_arm/on_intel, service, test,
# bin/var/opt_bin/testpath, free_port, shell_output, assertions); it is not Homebrew.
require "json"
require "pathname"
require "socket"

class Formula
  class << self
    attr_reader :test_block, :service_block, :explicit_version

    def ctx = (@ctx ||= {})
    def assets = (@assets ||= [])
    def desc(value) = (@desc = value)
    def homepage(value) = (@homepage = value)
    def license(value) = (@license = value)
    def version(value) = (@explicit_version = value)
    def on_macos(&block) = within(:os, "darwin", &block)
    def on_linux(&block) = within(:os, "linux", &block)
    def on_arm(&block) = within(:arch, "arm64", &block)
    def on_intel(&block) = within(:arch, "x64", &block)
    def url(value) = assets << { "os" => ctx[:os], "arch" => ctx[:arch], "url" => value }
    def sha256(value) = (assets.last["sha256"] = value)
    def service(&block) = (@service_block = block)
    def test(&block) = (@test_block = block)

    def within(key, value)
      old = ctx[key]
      ctx[key] = value
      yield
    ensure
      ctx[key] = old
    end
  end

  def initialize(bindir: nil, testdir: nil)
    @bindir = bindir
    @testdir = testdir
  end

  def version
    self.class.explicit_version || self.class.assets.first["url"][/modelmux-(\d+\.\d+\.\d+)-/, 1]
  end

  def bin = Pathname(@bindir || "/opt/homebrew/Cellar/modelmux/#{version}/bin")
  def opt_bin = Pathname("/opt/homebrew/opt/modelmux/bin")
  def var = Pathname("/opt/homebrew/var")
  def testpath = Pathname(@testdir)

  def free_port
    server = TCPServer.new("127.0.0.1", 0)
    server.addr[1]
  ensure
    server&.close
  end

  def shell_output(cmd, result = 0)
    out = `#{cmd}`
    raise "`#{cmd}` exited #{$?.exitstatus}, expected #{result}" unless $?.exitstatus == result

    out
  end

  def assert_equal(expected, actual, msg = nil)
    raise(msg || "expected #{expected.inspect}, got #{actual.inspect}") unless expected == actual
  end

  def assert_match(pattern, actual, msg = nil)
    pattern = Regexp.new(Regexp.escape(pattern)) if pattern.is_a?(String)
    raise(msg || "#{actual.inspect} does not match #{pattern.inspect}") unless pattern.match?(actual)
  end

  def refute_nil(actual, msg = nil)
    raise(msg || "expected non-nil") if actual.nil?
  end
end

# Records what a `service do` block declares; anything else (opt_bin, var) comes from the formula.
class ServiceRecorder
  attr_reader :fields

  def initialize(formula)
    @formula = formula
    @fields = {}
  end

  %i[run keep_alive working_dir log_path error_log_path environment_variables].each do |name|
    define_method(name) { |value| @fields[name.to_s] = value.is_a?(Array) ? value.map(&:to_s) : value.to_s }
  end

  def method_missing(name, *args, &block)
    @formula.respond_to?(name) ? @formula.public_send(name, *args, &block) : super
  end

  def respond_to_missing?(name, include_private = false) = @formula.respond_to?(name) || super
end

mode, formula_file, bindir, testdir = ARGV
load formula_file
klass = Object.const_get(:Modelmux)

case mode
when "inspect"
  formula = klass.new
  service = ServiceRecorder.new(formula)
  service.instance_exec(&klass.service_block)
  puts JSON.generate(
    "version" => formula.version,
    "assets" => klass.assets,
    "service" => service.fields,
    "caveats" => formula.caveats,
    "has_test" => !klass.test_block.nil?,
  )
when "test"
  formula = klass.new(bindir: bindir, testdir: testdir)
  formula.instance_exec(&klass.test_block)
  puts "formula test passed"
else
  abort "usage: brew-shim.rb inspect FORMULA | test FORMULA BINDIR TMPDIR"
end
