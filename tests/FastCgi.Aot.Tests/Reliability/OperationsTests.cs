using System;
using System.Collections.Generic;
using System.Net;
using System.Text.Json;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Reliability;

[Collection(HostingCollection.Name)]
public sealed class OperationsTests
{
    private static TestServer StartWithOperations() => TestServer.Start(o =>
    {
        o.StatusPath = "/status";
        o.PingPath = "/ping";
    });

    [Fact]
    public async Task PingPathIsAnsweredPongByTheServer()
    {
        await using TestServer server = StartWithOperations();
        using RawFcgiClient client = server.Connect();

        CgiResponse response = client.Get("/ping").Parse();

        Assert.Equal(200, response.Status);
        Assert.Equal("pong\n", response.BodyText);
        Assert.Contains("no-store", response.Header("Cache-Control"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusPageShowsTheCountersAsText()
    {
        await using TestServer server = StartWithOperations();
        using RawFcgiClient client = server.Connect();
        client.Get("/hello", id: 1);
        client.Get("/throw", id: 2);

        CgiResponse response = client.Get("/status", id: 3).Parse();

        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/plain", response.Header("Content-Type"), StringComparison.Ordinal);
        Dictionary<string, string> lines = [];
        foreach (string line in response.BodyText.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            lines[line.Substring(0, colon)] = line.Substring(colon + 1).Trim();
        }

        Assert.Equal("3", lines["total requests"]);
        Assert.Equal("1", lines["active requests"]);
        Assert.Equal("1", lines["handler errors"]);
        Assert.Equal("1", lines["accepted connections"]);
        Assert.True(long.Parse(lines["resident memory bytes"], System.Globalization.CultureInfo.InvariantCulture) > 1024 * 1024);
        foreach (string name in new[] { "uptime seconds", "refused overloaded", "refused params too large", "refused body too large", "timed out requests", "slow requests", "aborted requests", "protocol errors" })
        {
            Assert.True(lines.ContainsKey(name), $"the status page lacks '{name}'");
        }
    }

    [Theory]
    [InlineData("/status?json")]
    [InlineData("/status?format=json")]
    [InlineData("/status?full&json")]
    public async Task StatusPageShowsTheCountersAsJsonWhenAsked(string uri)
    {
        await using TestServer server = StartWithOperations();
        using RawFcgiClient client = server.Connect();
        client.Get("/hello", id: 1);

        CgiResponse response = client.Get(uri, id: 2).Parse();

        Assert.Equal("application/json", response.Header("Content-Type"));
        using JsonDocument json = JsonDocument.Parse(response.Body);
        Assert.Equal(2, json.RootElement.GetProperty("total_requests").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("active_requests").GetInt64());
        Assert.Equal(Environment.ProcessId, json.RootElement.GetProperty("pid").GetInt32());
        Assert.True(json.RootElement.GetProperty("resident_memory_bytes").GetInt64() > 0);
        Assert.Equal(0, json.RootElement.GetProperty("refused_overloaded").GetInt64());
    }

    [Fact]
    public async Task OperationsPathsReachTheApplicationWhenTheyAreOff()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        Assert.Equal(404, client.Get("/status", id: 1).Parse().Status);
        Assert.Equal(404, client.Get("/ping", id: 2).Parse().Status);
    }

    [Fact]
    public async Task OtherPathsStillReachTheApplicationWhenOperationsAreOn()
    {
        await using TestServer server = StartWithOperations();
        using RawFcgiClient client = server.Connect();

        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 1).Parse().BodyText);
        Assert.Equal(404, client.Get("/status/more", id: 2).Parse().Status);
    }

    [Fact]
    public async Task SlowRequestIsLoggedOnceWithItsMethodPathAndTime()
    {
        await using TestServer server = TestServer.Start(o => o.SlowRequestThreshold = TimeSpan.FromMilliseconds(100));
        using RawFcgiClient client = server.Connect();

        Assert.Equal(200, client.Get("/slow?ms=700", id: 1).Parse().Status);
        Assert.Equal(200, client.Get("/hello", id: 2).Parse().Status);

        Assert.Equal(1, server.Instance.Statistics.SlowRequests);
        string line = Assert.Single(server.Log.Split('\n'), l => l.Contains("slow request", StringComparison.Ordinal));
        Assert.Matches(@"slow request: GET /slow running for \d+\.\d+ s \(request id 1\)", line);
    }

    [Fact]
    public async Task SlowRequestLogIsOffByDefault()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.Get("/slow?ms=300");

        Assert.Equal(0, server.Instance.Statistics.SlowRequests);
        Assert.DoesNotContain("slow request", server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("192.168.1.10", true)]
    [InlineData("::", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    public void TcpOnANonLoopbackAddressWithoutWebServerAddrsIsWarnedAbout(string address, bool warns)
    {
        var options = new FcgiServerOptions();

        string? warning = FcgiSecurityWarnings.ForListener(new IPEndPoint(IPAddress.Parse(address), 9000), options);

        Assert.Equal(warns, warning is not null);
        if (warns)
        {
            Assert.Contains("FCGI_WEB_SERVER_ADDRS", warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TcpWithWebServerAddrsIsNotWarnedAbout()
    {
        var options = new FcgiServerOptions();
        options.AllowedPeerAddresses.Add(IPAddress.Parse("10.0.0.2"));

        Assert.Null(FcgiSecurityWarnings.ForListener(new IPEndPoint(IPAddress.Any, 9000), options));
    }

    [Fact]
    public void UnixSocketIsNotWarnedAbout()
    {
        Assert.Null(FcgiSecurityWarnings.ForListener(new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/x.sock"), new FcgiServerOptions()));
    }

    [Fact]
    public async Task LoopbackTcpServerStartsWithoutAWarning()
    {
        var log = new System.IO.StringWriter();
        var options = new FcgiServerOptions { TcpEndPoint = new IPEndPoint(IPAddress.Loopback, 0), Log = log };
        await using FcgiServerInstance server = FcgiServer.Start<TestApplication>(options);

        Assert.DoesNotContain("warning", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OperationsFlagsAreParsed()
    {
        var options = new FcgiServerOptions();

        Assert.True(FcgiCommandLine.TryParse(
            ["--status-path", "/fpm-status", "--ping-path=/health", "--slow-request-log", "2.5", "--max-response-buffer-bytes", "1048576"], _ => null, options));

        Assert.Equal("/fpm-status", options.StatusPath);
        Assert.Equal("/health", options.PingPath);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.SlowRequestThreshold);
        Assert.Equal(1048576, options.MaxResponseBufferBytes);
    }

    [Fact]
    public void OperationsAreOffByDefault()
    {
        var options = new FcgiServerOptions();

        Assert.True(FcgiCommandLine.TryParse([], _ => null, options));

        Assert.Null(options.StatusPath);
        Assert.Null(options.PingPath);
        Assert.Null(options.SlowRequestThreshold);
    }

    [Theory]
    [InlineData("--status-path", "status")]
    [InlineData("--status-path", "/")]
    [InlineData("--ping-path", "/ping?x")]
    [InlineData("--slow-request-log", "0")]
    [InlineData("--max-response-buffer-bytes", "0")]
    public void BadOperationsFlagsFailWithExitCode2(string flag, string value)
    {
        FcgiStartupException exception = Assert.Throws<FcgiStartupException>(() => FcgiCommandLine.TryParse([flag, value], _ => null, new FcgiServerOptions()));

        Assert.Equal(2, exception.ExitCode);
        Assert.Contains(flag, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsageListsTheOperationsFlags()
    {
        foreach (string flag in new[] { "--status-path", "--ping-path", "--slow-request-log", "--max-response-buffer-bytes" })
        {
            Assert.Contains(flag, FcgiCommandLine.Usage, StringComparison.Ordinal);
        }
    }
}
