using Gantry.Load.Driving;

namespace Gantry.Bench.Tests;

/// <summary>How the external driver reads wrk's summary and writes its request script (no wrk needed).</summary>
public sealed class WrkSummaryTests
{
    private const string Summary = """
        Running 5s test @ http://127.0.0.1:40123/
          1 threads and 16 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     1.10ms  420.50us  12.34ms   91.20%
            Req/Sec    14.52k     0.98k   15.90k    80.00%
          Latency Distribution
             50%  980.00us
             75%    1.20ms
             90%    1.55ms
             99%    2.75ms
          72600 requests in 5.00s, 9.10MB read
          Non-2xx or 3xx responses: 600
        Requests/sec:  14520.00
        Transfer/sec:      1.82MB
        """;

    [Fact]
    public void The_summary_gives_the_successful_rate_the_percentiles_and_the_errors()
    {
        var result = WrkSummary.Parse(Summary, 16);

        result.Clients.ShouldBe(16);
        result.Count.ShouldBe(72_000);
        result.Errors.ShouldBe(600);
        result.PerSecond.ShouldBe(14_400, tolerance: 0.001);
        result.P50Ms.ShouldBe(0.98, tolerance: 1e-9);
        result.P99Ms.ShouldBe(2.75, tolerance: 1e-9);
        result.MaxMs.ShouldBe(12.34, tolerance: 1e-9);
    }

    [Fact]
    public void Socket_errors_count_as_errors_but_are_not_among_the_completed_requests()
    {
        var text = Summary.Replace("  Non-2xx or 3xx responses: 600\n", "  Socket errors: connect 1, read 2, write 3, timeout 4\n", StringComparison.Ordinal);

        var result = WrkSummary.Parse(text, 16);

        result.Count.ShouldBe(72_600);
        result.Errors.ShouldBe(10);
    }

    [Theory]
    [InlineData("250.00us", 0.25)]
    [InlineData("3.50ms", 3.5)]
    [InlineData("1.25s", 1250)]
    [InlineData("2.00m", 120_000)]
    public void Durations_are_read_in_every_unit_wrk_prints(string text, double milliseconds) =>
        WrkSummary.Duration(text).ShouldBe(milliseconds, tolerance: 1e-9);

    [Fact]
    public void A_summary_without_the_latency_distribution_is_refused_with_the_output()
    {
        var text = Summary[..Summary.IndexOf("  Latency Distribution", StringComparison.Ordinal)] + "  10 requests in 1.00s, 1KB read\n";

        Should.Throw<FormatException>(() => WrkSummary.Parse(text, 1)).Message.ShouldContain("--latency");
    }

    [Fact]
    public void The_script_hands_out_every_request_in_turn_with_its_headers_and_body()
    {
        var script = Wrk.LuaScript(
        [
            new WrkRequest("GET", "/api/jobs", new Dictionary<string, string> { ["X-API-Key"] = "key-1" }),
            new WrkRequest("POST", "/api/prompt", new Dictionary<string, string> { ["Content-Type"] = "application/json" }, "{\"a\": \"\\\"é\"}"u8.ToArray()),
        ]);

        script.ShouldContain("wrk.format(\"GET\", \"/api/jobs\", {[\"X-API-Key\"] = \"key-1\", })");
        script.ShouldContain("wrk.format(\"POST\", \"/api/prompt\", {[\"Content-Type\"] = \"application/json\", }, \"{\\034a\\034: \\034\\092\\034\\195\\169\\034}\")");
        script.ShouldContain("next_one = next_one % #formatted + 1");
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b\\c", "\"a\\034b\\092c\"")]
    [InlineData("line\nbreak", "\"line\\010break\"")]
    public void Lua_strings_escape_quotes_backslashes_and_every_byte_outside_printable_ascii(string value, string literal) =>
        Wrk.LuaString(value).ShouldBe(literal);
}
