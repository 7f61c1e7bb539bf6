using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// The processes one test started and the log files they write. Disposing kills them all;
/// <see cref="VerifyAsync"/> attaches every log to a failure.
/// </summary>
internal sealed class ServerSet : IDisposable
{
    private readonly List<ChildProcess> _processes = [];
    private readonly List<string> _logFiles = [];

    public ServerSet(SampleFixture fixture, string name)
    {
        Fixture = fixture;
        Directory = fixture.CreateDirectory(name);
        File.SetUnixFileMode(Directory, (UnixFileMode)0b111_101_101);
    }

    public SampleFixture Fixture { get; }

    /// <summary>The test's own temporary directory (mode 0755, so a web server's worker can enter it).</summary>
    public string Directory { get; }

    public ChildProcess Add(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    public void AddLogFile(string path) => _logFiles.Add(path);

    /// <summary>Every process's output and every log file, for a failure message.</summary>
    public string Logs()
    {
        var text = new StringBuilder();
        foreach (ChildProcess process in _processes)
        {
            string state = process.HasExited ? $"exited with {process.ExitCode}" : "running";
            text.Append("----- ").Append(process.Name).Append(" (pid ").Append(process.Id).Append(", ").Append(state).Append(") -----\n").Append(process.Log);
        }

        foreach (string file in _logFiles)
        {
            text.Append("----- ").Append(file).Append(" -----\n");
            try
            {
                text.Append(File.ReadAllText(file));
            }
            catch (IOException exception)
            {
                text.Append(exception.Message);
            }
        }

        return text.ToString();
    }

    /// <summary>Runs the test's checks; a failure carries the servers' logs.</summary>
    public async Task VerifyAsync(Func<Task> checks)
    {
        try
        {
            await checks().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            throw new Xunit.Sdk.XunitException($"{exception.GetType().Name}: {exception.Message}\n\nServer logs:\n{Logs()}", exception);
        }
    }

    /// <summary>Starts the sample on a Unix socket in this test's directory and waits until it answers.</summary>
    public Task<(ChildProcess App, string Socket)> StartAppAsync(string socketName = "app.sock", params string[] extraArguments) =>
        StartAppAsync(AppCommand.Native("HelloFcgi", Fixture.Sample.Executable), socketName, extraArguments);

    /// <summary>Starts <paramref name="command"/> on a Unix socket in this test's directory and waits until it answers.</summary>
    public async Task<(ChildProcess App, string Socket)> StartAppAsync(AppCommand command, string socketName = "app.sock", params string[] extraArguments)
    {
        string socket = Path(socketName);
        ChildProcess app = Add(command.Start(["--socket", socket, .. extraArguments]));
        await WaitForUnixSocketAsync(socket, app).ConfigureAwait(false);
        return (app, socket);
    }

    /// <summary>Starts nginx as a FastCGI client of <paramref name="appSocket"/>, configured as docs/deployment.md says.</summary>
    public Task<int> StartNginxAsync(string appSocket, string clientMaxBodySize = "32m") =>
        NginxUpstream.StartNginxAsync(this, [appSocket], upstreamHeader: false, clientMaxBodySize);

    /// <summary>Starts Apache httpd (event MPM, mod_proxy_fcgi) from a minimal config of its own.</summary>
    public Task<int> StartApacheAsync(string appSocket) =>
        // As root, Apache serves from www-data workers (it refuses `User root`), so the app's
        // socket is 0666 in a 0755 directory. The <Location> block is docs/deployment.md's.
        StartApacheAsync(["proxy_module mod_proxy.so", "proxy_fcgi_module mod_proxy_fcgi.so"], $"""
            <Location "/">
                ProxyPass "unix:{appSocket}|fcgi://localhost/" enablereuse=on
            </Location>
            """);

    /// <summary>Starts the sample on TCP 127.0.0.1 (mod_authnz_fcgi reaches authorizers over TCP only).</summary>
    public Task<int> StartAppOnTcpAsync(IReadOnlyDictionary<string, string> environment) =>
        StartAppOnTcpAsync(AppCommand.Native("HelloFcgi", Fixture.Sample.Executable), environment);

    /// <summary>Starts <paramref name="command"/> on TCP 127.0.0.1 and waits until it accepts.</summary>
    public async Task<int> StartAppOnTcpAsync(AppCommand command, IReadOnlyDictionary<string, string> environment)
    {
        int port = FreePort();
        ChildProcess app = Add(command.Start(["--tcp", $"127.0.0.1:{port}"], environment));
        await WaitForTcpPortAsync(port, app).ConfigureAwait(false);
        return port;
    }

    /// <summary>
    /// Starts Apache httpd with mod_authnz_fcgi calling the sample as a FastCGI Authorizer for
    /// /protected/, as docs/deployment.md says; the directory holds one static file, secret.txt.
    /// </summary>
    public Task<int> StartApacheAuthorizerAsync(int authorizerPort)
    {
        string documentRoot = Path("htdocs");
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(documentRoot, "protected"));
        File.WriteAllText(System.IO.Path.Combine(documentRoot, "protected", "secret.txt"), "secret page\n");

        // The user is the HELLO_USER variable the authorizer passed back (Variable-HELLO_USER).
        const string userExpression = "%{reqenv:HELLO_USER}";
        return StartApacheAsync(["authz_user_module mod_authz_user.so", "authn_core_module mod_authn_core.so", "authnz_fcgi_module mod_authnz_fcgi.so"], $"""
            DocumentRoot "{documentRoot}"
            <Directory "{documentRoot}">
                Require all granted
            </Directory>
            AuthnzFcgiDefineProvider authn HelloAuthorizer fcgi://127.0.0.1:{authorizerPort}/
            <Location "/protected/">
                AuthType HelloToken
                AuthName "hello"
                CGIPassAuth On
                AuthnzFcgiCheckAuthnProvider HelloAuthorizer Authoritative On RequireBasicAuth Off UserExpr "{userExpression}"
                Require user hello
            </Location>
            """);
    }

    /// <summary>Starts Apache httpd (event MPM) with the given modules and configuration after a common preamble.</summary>
    private async Task<int> StartApacheAsync(string[] modules, string configuration)
    {
        string apache = Fixture.Program("apache2");
        int port = FreePort();
        string errorLog = Path("apache-error.log");
        AddLogFile(errorLog);
        const string directory = "/usr/lib/apache2/modules";
        var config = new StringBuilder($"""
            ServerRoot "{Directory}"
            ServerName 127.0.0.1
            Listen 127.0.0.1:{port}
            PidFile "{Path("apache.pid")}"
            ErrorLog "{errorLog}"
            LogLevel warn
            DefaultRuntimeDir "{Directory}"
            Mutex file:{Directory} default
            LoadModule mpm_event_module {directory}/mod_mpm_event.so
            LoadModule authz_core_module {directory}/mod_authz_core.so

            """);
        foreach (string module in modules)
        {
            string[] parts = module.Split(' ');
            config.Append("LoadModule ").Append(parts[0]).Append(' ').Append(directory).Append('/').Append(parts[1]).Append('\n');
        }

        if (SampleFixture.IsRoot)
        {
            config.Append("User www-data\nGroup www-data\n");
        }

        config.Append(configuration).Append('\n');
        File.WriteAllText(Path("apache.conf"), config.ToString());
        ChildProcess process = Add(ChildProcess.Start("apache2", apache, ["-f", Path("apache.conf"), "-DFOREGROUND"]));
        await WaitForTcpPortAsync(port, process).ConfigureAwait(false);
        return port;
    }

    /// <summary>Starts lighttpd, which spawns the sample itself (bin-path), as docs/deployment.md says.</summary>
    public async Task<int> StartLighttpdAsync()
    {
        string lighttpd = Fixture.Program("lighttpd");
        int port = FreePort();
        string errorLog = Path("lighttpd-error.log");
        AddLogFile(errorLog);
        string documentRoot = Path("www");
        System.IO.Directory.CreateDirectory(documentRoot);
        string config = $$"""
            server.document-root = "{{documentRoot}}"
            server.bind = "127.0.0.1"
            server.port = {{port}}
            server.errorlog = "{{errorLog}}"
            server.modules += ( "mod_fastcgi" )
            fastcgi.server = ( "/" => ((
                "bin-path"    => "{{Fixture.Sample.Executable}}",
                "socket"      => "{{Path("lighttpd-app.sock")}}",
                "check-local" => "disable",
                "max-procs"   => 1,
            )))
            """;
        File.WriteAllText(Path("lighttpd.conf"), config);
        ChildProcess process = Add(ChildProcess.Start("lighttpd", lighttpd, ["-D", "-f", Path("lighttpd.conf")]));
        await WaitForTcpPortAsync(port, process).ConfigureAwait(false);
        return port;
    }

    public static HttpClient HttpClient(int port) => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 256 })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Polls <paramref name="condition"/> every 10 ms; fails after 30 s naming <paramref name="what"/>.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"no {what} within 30 s");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Waits until something accepts connections on <paramref name="path"/>.</summary>
    public static async Task WaitForUnixSocketAsync(string path, ChildProcess owner)
    {
        await WaitForConnectAsync(new UnixDomainSocketEndPoint(path), AddressFamily.Unix, owner).ConfigureAwait(false);
    }

    public static async Task WaitForTcpPortAsync(int port, ChildProcess owner)
    {
        await WaitForConnectAsync(new IPEndPoint(IPAddress.Loopback, port), AddressFamily.InterNetwork, owner).ConfigureAwait(false);
    }

    private static async Task WaitForConnectAsync(EndPoint endPoint, AddressFamily family, ChildProcess owner)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (owner.HasExited)
            {
                throw new InvalidOperationException($"{owner.Name} exited with code {owner.ExitCode} before listening on {endPoint}:\n{owner.Log}");
            }

            using var probe = new Socket(family, SocketType.Stream, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(endPoint).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
            catch (SocketException exception)
            {
                throw new TimeoutException($"{owner.Name} did not listen on {endPoint} within 20 s ({exception.SocketErrorCode}):\n{owner.Log}");
            }
        }
    }

    public void Dispose()
    {
        // Front ends first, so they do not log the application's disappearance as an error.
        for (int i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }
    }
}
