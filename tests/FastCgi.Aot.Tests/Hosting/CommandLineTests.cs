using System;
using System.IO;
using System.Collections.Generic;
using System.Net;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Tests.Hosting;

public sealed class CommandLineTests
{
    private static FcgiServerOptions Parse(string[] args, Dictionary<string, string>? environment = null)
    {
        var options = new FcgiServerOptions();
        Assert.True(FcgiCommandLine.TryParse(args, name => environment is not null && environment.TryGetValue(name, out string? value) ? value : null, options));
        return options;
    }

    private static FcgiStartupException Fails(string[] args, Dictionary<string, string>? environment = null) =>
        Assert.Throws<FcgiStartupException>(() => FcgiCommandLine.TryParse(args, name => environment is not null && environment.TryGetValue(name, out string? value) ? value : null, new FcgiServerOptions()));

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void HelpReturnsFalse(string flag)
    {
        Assert.False(FcgiCommandLine.TryParse([flag], _ => null, new FcgiServerOptions()));
    }

    [Fact]
    public void UsageListsEveryFlag()
    {
        foreach (string flag in new[] { "--socket", "--socket-mode", "--socket-group", "--tcp", "--max-connections", "--max-requests", "--max-requests-per-connection", "--max-params-bytes", "--max-body-bytes", "--max-response-buffer-bytes", "--idle-timeout", "--read-timeout", "--request-timeout", "--shutdown-timeout", "--backlog", "--status-path", "--ping-path", "--slow-request-log", "--io-engine", "--verbose", "--help" })
        {
            Assert.Contains(flag, FcgiCommandLine.Usage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheUsageNamesExactlyTheFlagsTheParserTakes()
    {
        // The parser's table is also what an application's option names are checked against, so
        // a flag missing from either side would be a flag an application could shadow or never see.
        var named = new SortedSet<string>(StringComparer.Ordinal);
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(FcgiCommandLine.Usage, @"(?<=\s)--[a-z-]+"))
        {
            named.Add(match.Value);
        }

        named.Remove("--help");
        Assert.Equal(new SortedSet<string>(FcgiCommandLine.ServerFlagNames, StringComparer.Ordinal), named);
    }

    [Fact]
    public void EveryFlagTheUsageNamesIsAccepted()
    {
        foreach (string flag in FcgiCommandLine.ServerFlagNames)
        {
            var options = new FcgiServerOptions();
            try
            {
                // A value that suits every flag that takes one: a number, a path, an octal mode.
                FcgiCommandLine.TryParse([flag + "=0600"], static _ => null, options);
            }
            catch (FcgiStartupException exception)
            {
                Assert.DoesNotContain("unknown option", exception.Message, StringComparison.Ordinal);
            }

            Assert.True(FcgiCommandLine.IsServerFlag(flag));
        }
    }

    [Theory]
    [InlineData("--verbose", true)]
    [InlineData("--verbose=true", true)]
    [InlineData("--verbose=on", true)]
    [InlineData("--verbose=false", false)]
    [InlineData("--verbose=0", false)]
    public void VerboseIsAFlagThatMayBeTurnedOffExplicitly(string arg, bool verbose)
    {
        Assert.Equal(verbose, Parse([arg]).Verbose);
    }

    [Fact]
    public void VerboseRefusesAValueThatIsNotOnOrOff()
    {
        Assert.Contains("'--verbose' needs 1, true, yes, on, 0, false, no or off, not 'loud'", Fails(["--verbose=loud"]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SocketAndModeAreParsed()
    {
        FcgiServerOptions options = Parse(["--socket", "/run/app.sock", "--socket-mode=0600"]);

        Assert.Equal("/run/app.sock", options.UnixSocketPath);
        Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), options.UnixSocketMode);
    }

    [Fact]
    public void TcpIsParsed()
    {
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9000), Parse(["--tcp", "127.0.0.1:9000"]).TcpEndPoint);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9001), Parse(["--tcp=[::1]:9001"]).TcpEndPoint);
    }

    [Fact]
    public void LimitsAndTimeoutsAreParsed()
    {
        FcgiServerOptions options = Parse(["--max-connections", "5", "--max-requests", "6", "--max-requests-per-connection", "1", "--max-params-bytes", "999", "--max-body-bytes", "0", "--idle-timeout", "1.5", "--read-timeout", "2", "--request-timeout", "3", "--shutdown-timeout", "0", "--backlog", "8", "--verbose"]);

        Assert.Equal(5, options.MaxConnections);
        Assert.Equal(6, options.MaxRequests);
        Assert.Equal(1, options.MaxRequestsPerConnection);
        Assert.Equal(999, options.MaxParamsBytes);
        Assert.Equal(0, options.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ReadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.RequestTimeout);
        Assert.Equal(TimeSpan.Zero, options.ShutdownTimeout);
        Assert.Equal(8, options.Backlog);
        Assert.True(options.Verbose);
    }

    [Fact]
    public void EnvironmentSuppliesTheSocketAndWebServerAddresses()
    {
        FcgiServerOptions options = Parse([], new() { ["FCGI_SOCKET"] = "/tmp/x.sock", ["FCGI_WEB_SERVER_ADDRS"] = "127.0.0.1, 10.0.0.2" });

        Assert.Equal("/tmp/x.sock", options.UnixSocketPath);
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("10.0.0.2")], options.AllowedPeerAddresses);
    }

    [Fact]
    public void IoEngineIsEpollOnLinuxUnlessSocketsIsAsked()
    {
        Assert.Equal(FcgiIoEngine.Epoll, Parse([]).IoEngine);
        Assert.Equal(FcgiIoEngine.Sockets, Parse(["--io-engine", "sockets"]).IoEngine);
        Assert.Equal(FcgiIoEngine.Epoll, Parse(["--io-engine=epoll"]).IoEngine);
    }

    [Fact]
    public void AnUndefinedIoEngineIsRefusedByValidate()
    {
        var options = new FcgiServerOptions { IoEngine = (FcgiIoEngine)7 };
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void FlagWinsOverEnvironment()
    {
        Assert.Equal("/flag.sock", Parse(["--socket", "/flag.sock"], new() { ["FCGI_SOCKET"] = "/env.sock" }).UnixSocketPath);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("stray")]
    [InlineData("--socket")]
    [InlineData("--socket-mode", "999")]
    [InlineData("--socket-mode", "12345")]
    [InlineData("--tcp", "nohost")]
    [InlineData("--tcp", "127.0.0.1:99999")]
    [InlineData("--max-connections", "0")]
    [InlineData("--max-connections", "-1")]
    [InlineData("--max-connections", "ten")]
    [InlineData("--max-requests-per-connection", "70000")]
    [InlineData("--idle-timeout", "0")]
    [InlineData("--request-timeout", "-3")]
    [InlineData("--socket", "/a.sock", "--tcp", "127.0.0.1:9000")]
    [InlineData("--io-engine", "uring")]
    [InlineData("--io-engine", "Epoll")]
    public void BadArgumentsFailWithExitCode2AndAMessage(params string[] args)
    {
        FcgiStartupException exception = Fails(args);

        Assert.Equal(2, exception.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
    }

    [Fact]
    public void BadWebServerAddressFailsWithExitCode2()
    {
        Assert.Equal(2, Fails([], new() { ["FCGI_WEB_SERVER_ADDRS"] = "127.0.0.1,not-an-ip" }).ExitCode);
    }

    [Fact]
    public void UnknownFlagMessageNamesTheFlag()
    {
        Assert.Contains("--bogus", Fails(["--bogus"]).Message, StringComparison.Ordinal);
    }
}
