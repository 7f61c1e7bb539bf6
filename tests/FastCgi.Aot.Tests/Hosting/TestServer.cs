using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>A server on a fresh temporary Unix socket, stopped by <c>await using</c>.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private static int s_counter;

    /// <summary>
    /// Every temporary folder the tests make lives under one folder per test process, removed when
    /// the process exits, so that tests which keep theirs to the end leave nothing in /tmp.
    /// </summary>
    private static readonly string s_root = CreateRoot();

    private TestServer(FcgiServerInstance instance, FcgiServerOptions options, string directory, StringWriter log)
    {
        Instance = instance;
        Options = options;
        Directory = directory;
        LogWriter = log;
    }

    public FcgiServerInstance Instance { get; }

    public FcgiServerOptions Options { get; }

    public string Directory { get; }

    public string SocketPath => Options.UnixSocketPath!;

    private StringWriter LogWriter { get; }

    /// <summary>What the server logged (its stderr).</summary>
    public string Log
    {
        get
        {
            lock (LogWriter)
            {
                return LogWriter.ToString();
            }
        }
    }

    public static string NewTempDirectory()
    {
        string directory = Path.Combine(s_root, Interlocked.Increment(ref s_counter).ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    private static string CreateRoot()
    {
        string root = Path.Combine(Path.GetTempPath(), $"fcgi-tests-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return root;
    }

    public static TestServer Start(Action<FcgiServerOptions>? configure = null) => Start<TestApplication>(configure);

    public static TestServer Start<TApp>(Action<FcgiServerOptions>? configure = null)
        where TApp : IFcgiApplication
    {
        string directory = NewTempDirectory();
        var log = new StringWriter();
        var options = new FcgiServerOptions
        {
            UnixSocketPath = Path.Combine(directory, "app.sock"),
            Log = TextWriter.Synchronized(log),
            Verbose = true,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        FcgiServerInstance instance = FcgiServer.Start<TApp>(options);
        return new TestServer(instance, options, directory, log);
    }

    public RawFcgiClient Connect() => RawFcgiClient.Connect(SocketPath);

    /// <summary>A fresh connection still gets a correct answer: run after every bad-input test.</summary>
    public void AssertServesFreshConnection()
    {
        using RawFcgiClient client = Connect();
        CgiResponse response = client.Get("/hello").Parse();
        Assert.Equal(200, response.Status);
        Assert.Equal("Hello, world!\n", response.BodyText);
    }

    public async ValueTask DisposeAsync()
    {
        Task stop = Instance.StopAsync();
        Task finished = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(15))).ConfigureAwait(false);
        Assert.True(finished == stop, "the server did not stop within 15 s");
        await stop.ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
