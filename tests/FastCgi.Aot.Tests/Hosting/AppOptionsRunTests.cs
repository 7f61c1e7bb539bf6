using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>An application that declares its options as a real one would, and answers with them.</summary>
internal sealed class OptionsApplication : IFcgiApplication
{
    public static readonly FcgiAppOptions Options = new();

    public static readonly FcgiAppOption<string> Greeting =
        Options.AddString("--greeting", "what every request is answered with", defaultValue: "hello", environmentVariable: "TEST_APP_GREETING");

    public static ValueTask HandleAsync(FcgiRequest request, FcgiResponse response)
    {
        response.ContentType = "text/plain";
        response.Write(Encoding.UTF8.GetBytes(Greeting.Value));
        return default;
    }
}

/// <summary>The application's options through the paths that serve: Run, Start and CGI mode.</summary>
[Collection(HostingCollection.Name)]
public sealed class AppOptionsRunTests
{
    private static FcgiCommandLine Parse(string[] args, Dictionary<string, string>? environment = null, TextWriter? output = null, TextWriter? error = null) =>
        FcgiCommandLine.Parse(args, OptionsApplication.Options, name => environment?.GetValueOrDefault(name), output ?? new StringWriter(), error ?? new StringWriter());

    [Fact]
    public async Task RunServesWithTheApplicationsOptionsAndStopsCleanly()
    {
        string directory = TestServer.NewTempDirectory();
        string socket = Path.Combine(directory, "app.sock");
        var log = new StringWriter();
        FcgiCommandLine commandLine = Parse(["--socket", socket, "--greeting", "hi from the flag"], new() { ["TEST_APP_GREETING"] = "from the environment" });
        Assert.False(commandLine.ShouldExit);
        commandLine.ServerOptions.Log = TextWriter.Synchronized(log);

        // What an application does between Parse and Run: read its options (open its database).
        Assert.Equal("hi from the flag", OptionsApplication.Greeting.Value);

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> run = Task.Factory.StartNew(() => FcgiServer.Run<OptionsApplication>(commandLine, stop.Task), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await WaitForAsync(() => log.ToString().Contains("listening on unix:", StringComparison.Ordinal) || run.IsCompleted);
            Assert.False(run.IsCompleted, log.ToString());

            using (RawFcgiClient client = RawFcgiClient.Connect(socket))
            {
                CgiResponse response = client.Get("/anything").Parse();
                Assert.Equal(200, response.Status);
                Assert.Equal("hi from the flag", response.BodyText);
            }
        }
        finally
        {
            stop.TrySetResult();
        }

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("fastcgi: stopped", log.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(socket), "the socket file is removed on stop");
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void RunReturnsTheExitCodeWithoutServingAfterHelpOrAUsageError()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        FcgiCommandLine help = Parse(["--help"], output: output);
        FcgiCommandLine bad = Parse(["--greeting"], error: error);

        Assert.Equal(0, FcgiServer.Run<OptionsApplication>(help));
        Assert.EndsWith(
            "\n\nApplication options:\n  --greeting VALUE               what every request is answered with (default hello; env\n                                 TEST_APP_GREETING)\n",
            output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal),
            StringComparison.Ordinal);
        Assert.Equal(2, FcgiServer.Run<OptionsApplication>(bad));
        Assert.Equal("fastcgi: option '--greeting' needs a value\nTry --help.\n", error.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void AListenFailureAfterAGoodParseIsExit1WithoutTheUsageHint()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var error = new StringWriter();
        FcgiCommandLine commandLine = Parse(["--tcp", taken.LocalEndPoint!.ToString()!], error: error);

        Assert.Equal(1, FcgiServer.Run<OptionsApplication>(commandLine, stopRequested: Task.CompletedTask));

        Assert.StartsWith("fastcgi: cannot listen on tcp:", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Try --help.", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartServesWithOptionsParsedBeforeIt()
    {
        string directory = TestServer.NewTempDirectory();
        FcgiCommandLine commandLine = Parse(["--socket", Path.Combine(directory, "app.sock")], new() { ["TEST_APP_GREETING"] = "from the environment" });
        commandLine.ServerOptions.Log = TextWriter.Null;

        await using (FcgiServerInstance server = FcgiServer.Start<OptionsApplication>(commandLine.ServerOptions))
        {
            using RawFcgiClient client = RawFcgiClient.Connect(commandLine.ServerOptions.UnixSocketPath!);
            Assert.Equal("from the environment", client.Get("/").Parse().BodyText);
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void CgiModeReadsTheApplicationsOptionsFromTheCgiServersEnvironment()
    {
        // Apache's SetEnv reaches a CGI program as an environment variable beside the request's.
        List<KeyValuePair<string, string>> request = RawFcgiClient.ParamsFor("GET", "/notes.cgi?--greeting+from+the+query");
        var environment = new Dictionary<string, string>(request) { ["TEST_APP_GREETING"] = "set by the web server" };
        FcgiCommandLine commandLine = Parse(["--greeting", "from", "the", "query"], environment);
        Assert.False(commandLine.ShouldExit);
        using var output = new MemoryStream();

        int exitCode = FcgiCgiMode.Run<OptionsApplication>(commandLine.ServerOptions, request, new MemoryStream(), output, TextWriter.Null);

        Assert.Equal(0, exitCode);
        Assert.Equal("set by the web server", CgiResponse.Parse(output.ToArray()).BodyText);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
