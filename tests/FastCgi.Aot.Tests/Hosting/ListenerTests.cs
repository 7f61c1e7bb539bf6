using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ListenerTests
{
    [Fact]
    public void StaleSocketFileIsReplaced()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "stale.sock");
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // .NET unlinks the file of a socket it bound when it closes; a process that died
            // leaves it. Move the file away from that clean-up to leave a stale socket file.
            dead.Bind(new UnixDomainSocketEndPoint(path + ".tmp"));
            dead.Listen();
            File.Move(path + ".tmp", path);
        }

        Assert.True(File.Exists(path));
        using Socket socket = FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        client.Connect(new UnixDomainSocketEndPoint(path));
    }

    [Fact]
    public void LiveSocketIsRefusedWithAClearMessage()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "live.sock");
        using Socket live = FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16);

        FcgiStartupException exception = Assert.Throws<FcgiStartupException>(() => FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16));

        Assert.Contains("another process is listening", exception.Message, StringComparison.Ordinal);
        Assert.NotEqual(0, exception.ExitCode);
    }

    [Fact]
    public void PathThatIsNotASocketIsRefusedAndLeftAlone()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "file.txt");
        File.WriteAllText(path, "precious");

        FcgiStartupException exception = Assert.Throws<FcgiStartupException>(() => FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16));

        Assert.Contains("not a socket", exception.Message, StringComparison.Ordinal);
        Assert.NotEqual(0, exception.ExitCode);
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public void DirectoryPathIsRefused()
    {
        string path = TestServer.NewTempDirectory();

        Assert.Throws<FcgiStartupException>(() => FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16));
    }

    [Fact]
    public async Task SocketFileGetsMode0660ByDefault()
    {
        await using TestServer server = TestServer.Start();

        Assert.Equal((UnixFileMode)Convert.ToInt32("660", 8), File.GetUnixFileMode(server.SocketPath));
    }

    [Fact]
    public async Task SocketFileGetsTheConfiguredMode()
    {
        await using TestServer server = TestServer.Start(o => o.UnixSocketMode = (UnixFileMode)Convert.ToInt32("600", 8));

        Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), File.GetUnixFileMode(server.SocketPath));
    }

    [Fact]
    public async Task StartOnALiveSocketPathFailsWithExitCode1()
    {
        await using TestServer server = TestServer.Start();
        var options = new FcgiServerOptions { UnixSocketPath = server.SocketPath };

        FcgiStartupException exception = Assert.Throws<FcgiStartupException>(() => FcgiServer.Start<TestApplication>(options));

        Assert.Equal(1, exception.ExitCode);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public void ListeningSocketDescriptorIsAdopted()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "inherited.sock");
        using Socket listener = FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16);

        using Socket? adopted = FcgiListeners.TryAdoptListeningSocket((int)listener.Handle);

        Assert.NotNull(adopted);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
        using Socket accepted = adopted.Accept();
        Assert.True(accepted.Connected);
    }

    [Fact]
    public void ConnectedSocketDescriptorIsNotAdopted()
    {
        (Socket a, Socket b) = SocketPair();
        using (a)
        using (b)
        {
            Assert.Null(FcgiListeners.TryAdoptListeningSocket((int)a.Handle));
            // The descriptor is not ours to close: it still works.
            a.Send([1]);
            Assert.Equal(1, b.Receive(new byte[1]));
        }
    }

    [Fact]
    public void FileDescriptorIsNotAdopted()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "plain");
        File.WriteAllText(path, "x");
        using Microsoft.Win32.SafeHandles.SafeFileHandle file = File.OpenHandle(path);

        Assert.Null(FcgiListeners.TryAdoptListeningSocket((int)file.DangerousGetHandle()));
    }

    [Fact]
    public async Task ServerRunsOnAnAdoptedListeningSocket()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "adopted.sock");
        using Socket listener = FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16);
        Socket? adopted = FcgiListeners.TryAdoptListeningSocket((int)listener.Handle);
        Assert.NotNull(adopted);
        var options = new FcgiServerOptions { ListenSocket = adopted, Log = TextWriter.Null };

        await using FcgiServerInstance instance = FcgiServer.Start<TestApplication>(options);
        using RawFcgiClient client = RawFcgiClient.Connect(path);

        Assert.Equal("Hello, world!\n", client.Get("/hello").Parse().BodyText);
    }

    [Fact]
    public async Task TcpListenerServesAllowedPeers()
    {
        var options = new FcgiServerOptions { TcpEndPoint = new IPEndPoint(IPAddress.Loopback, 0), Log = TextWriter.Null };
        options.AllowedPeerAddresses.Add(IPAddress.Loopback);
        await using FcgiServerInstance instance = FcgiServer.Start<TestApplication>(options);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(instance.LocalEndPoint!);
        using var client = new RawFcgiClient(socket);

        Assert.Equal("Hello, world!\n", client.Get("/hello").Parse().BodyText);
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1")]
    public async Task AnAllowedAddressMatchesWhetherOrNotEitherSideIsIPv4MappedIPv6(string allowed, string connectTo)
    {
        // A dual-stack listener, such as systemd passes for ListenStream=[::]:9000, sees IPv4
        // peers as ::ffff:a.b.c.d.
        var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        listener.Listen(16);
        var options = new FcgiServerOptions { ListenSocket = listener, OwnsListenSocket = true, Log = TextWriter.Null };
        options.AllowedPeerAddresses.Add(IPAddress.Parse(allowed));
        await using FcgiServerInstance instance = FcgiServer.Start<TestApplication>(options);
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        socket.Connect(new IPEndPoint(IPAddress.Parse(connectTo), ((IPEndPoint)instance.LocalEndPoint!).Port));
        using var client = new RawFcgiClient(socket);

        Assert.Equal("Hello, world!\n", client.Get("/hello").Parse().BodyText);
    }

    [Fact]
    public async Task TcpPeerNotInWebServerAddrsIsClosed()
    {
        var options = new FcgiServerOptions { TcpEndPoint = new IPEndPoint(IPAddress.Loopback, 0), Log = TextWriter.Null };
        options.AllowedPeerAddresses.Add(IPAddress.Parse("192.0.2.1"));
        await using FcgiServerInstance instance = FcgiServer.Start<TestApplication>(options);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(instance.LocalEndPoint!);
        using var client = new RawFcgiClient(socket);

        client.SendRequest(1, "GET", "/hello");

        Assert.True(client.ServerClosed());
        Assert.False(client.Result(1).Ended);
    }

    [Fact]
    public void SystemdSocketIsAdoptedWhenListenPidIsOurs()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "systemd.sock");
        using Socket listener = FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16);
        var environment = new System.Collections.Generic.Dictionary<string, string> { ["LISTEN_PID"] = "4242", ["LISTEN_FDS"] = "1" };

        using Socket? adopted = FcgiListeners.TryAdoptSystemdSocket(name => environment.GetValueOrDefault(name), 4242, (int)listener.Handle, out bool addressedToUs);

        Assert.True(addressedToUs);
        Assert.NotNull(adopted);
    }

    [Theory]
    [InlineData("4243", "1")]
    [InlineData("4242", "0")]
    [InlineData("4242", null)]
    [InlineData(null, "1")]
    [InlineData("x", "1")]
    public void SystemdSocketIsIgnoredWhenNotAddressedToUs(string? pid, string? fds)
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "systemd.sock");
        using Socket listener = FcgiListeners.ListenUnix(path, (UnixFileMode)Convert.ToInt32("660", 8), 16);
        var environment = new System.Collections.Generic.Dictionary<string, string?> { ["LISTEN_PID"] = pid, ["LISTEN_FDS"] = fds };

        Assert.Null(FcgiListeners.TryAdoptSystemdSocket(name => environment.GetValueOrDefault(name), 4242, (int)listener.Handle, out bool addressedToUs));
        Assert.False(addressedToUs);
    }

    internal static (Socket, Socket) SocketPair()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "pair.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        var a = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        a.Connect(new UnixDomainSocketEndPoint(path));
        Socket b = listener.Accept();
        return (a, b);
    }
}
