using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Transport;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Io;

/// <summary>
/// The epoll transport against a real connected Unix socket pair: the transport on the accepted
/// end, a plain System.Net.Sockets socket as the peer. Each case is one way a wake-up could be
/// lost or an operation finished twice.
/// </summary>
public sealed class EpollTransportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EndOfStreamQueuedBeforeRegistrationIsSeenAfterTheDataIsRead()
    {
        // Data and the peer's FIN are both queued before the socket joins the epoll set: epoll
        // reports them once, then. The second read is short (it empties the
        // socket), and the receive after it must still find the end of stream rather than wait
        // for an event that already happened.
        using var pair = SocketPair.Create();
        pair.Peer.Send(new byte[100]);
        pair.Peer.Shutdown(SocketShutdown.Send);
        EpollTransport transport = Register(pair.TakeServer());
        using (transport)
        {
            byte[] buffer = new byte[64];
            Assert.Equal(64, await transport.ReceiveAsync(buffer).AsTask().WaitAsync(Patience));
            Assert.Equal(36, await transport.ReceiveAsync(buffer).AsTask().WaitAsync(Patience));
            Assert.Equal(0, await transport.ReceiveAsync(buffer).AsTask().WaitAsync(Patience));
            Assert.Equal(0, await transport.ReceiveAsync(buffer).AsTask().WaitAsync(Patience));
        }
    }

    [Fact]
    public async Task AReceiveThatWaitsIsCompletedByDataAndThenByTheEndOfStream()
    {
        using var pair = SocketPair.Create();
        using EpollTransport transport = Register(pair.TakeServer());
        byte[] buffer = new byte[1024];
        for (int round = 1; round <= 50; round++)
        {
            ValueTask<int> receive = transport.ReceiveAsync(buffer);
            pair.Peer.Send(new byte[round]);
            Assert.Equal(round, await receive.AsTask().WaitAsync(Patience));
        }

        Task<int> last = transport.ReceiveAsync(buffer).AsTask();
        await Task.Delay(50);
        Assert.False(last.IsCompleted);
        pair.Peer.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await last.WaitAsync(Patience));
    }

    [Fact]
    public async Task ASendWaitsForRoomAndEveryByteArrivesInOrder()
    {
        using var pair = SocketPair.Create();
        using EpollTransport transport = Register(pair.TakeServer());
        byte[] data = new byte[8 * 1024 * 1024];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i % 251);
        }

        // The peer reads nothing until the sends have filled the socket and one is waiting.
        Task sender = Task.Run(async () =>
        {
            ReadOnlyMemory<byte> rest = data;
            while (!rest.IsEmpty)
            {
                rest = rest.Slice(await transport.SendAsync(rest));
            }
        });
        await Task.Delay(200);
        Assert.False(sender.IsCompleted);

        byte[] received = new byte[data.Length];
        int total = 0;
        pair.Peer.ReceiveTimeout = (int)Patience.TotalMilliseconds;
        while (total < received.Length)
        {
            int n = pair.Peer.Receive(received.AsSpan(total));
            Assert.True(n > 0);
            total += n;
        }

        await sender.WaitAsync(Patience);
        Assert.Equal(data, received);

        // Room was asked for while the send waited; a short answer afterwards still goes out
        // and the connection still reads.
        Assert.Equal(5, await transport.SendAsync("after"u8.ToArray()).AsTask().WaitAsync(Patience));
        Assert.Equal(5, pair.Peer.Receive(received));
        pair.Peer.Send("more"u8);
        Assert.Equal(4, await transport.ReceiveAsync(received).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task DisposeEndsAWaitingReceiveAndAWaitingSend()
    {
        using var pair = SocketPair.Create();
        EpollTransport transport = Register(pair.TakeServer());
        Task<int> receive = transport.ReceiveAsync(new byte[16]).AsTask();
        byte[] big = new byte[16 * 1024 * 1024];
        Task sends = Task.Run(async () =>
        {
            ReadOnlyMemory<byte> rest = big;
            while (!rest.IsEmpty)
            {
                rest = rest.Slice(await transport.SendAsync(rest));
            }
        });
        await Task.Delay(200);
        Assert.False(receive.IsCompleted);
        Assert.False(sends.IsCompleted);

        transport.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => receive.WaitAsync(Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sends.WaitAsync(Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.ReceiveAsync(new byte[16]).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.SendAsync(new byte[16]).AsTask());
        transport.Dispose();

        // The peer sees the close.
        pair.Peer.ReceiveTimeout = (int)Patience.TotalMilliseconds;
        byte[] sink = new byte[64 * 1024];
        try
        {
            while (pair.Peer.Receive(sink) > 0)
            {
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    [Fact]
    public async Task APeerThatResetsFailsTheWaitingSendWithASocketException()
    {
        using var pair = SocketPair.Create();
        using EpollTransport transport = Register(pair.TakeServer());
        Task sends = Task.Run(async () =>
        {
            byte[] chunk = new byte[1024 * 1024];
            while (true)
            {
                await transport.SendAsync(chunk);
            }
        });
        await Task.Delay(200);
        Assert.False(sends.IsCompleted);
        pair.Peer.Close();
        await Assert.ThrowsAsync<SocketException>(() => sends.WaitAsync(Patience));
    }

    [Fact]
    public async Task ADescriptorNumberReusedAfterACloseServesOnlyTheNewSocket()
    {
        // Close a socket with a receive waiting, then register new sockets, which get the
        // freed descriptor number: the old receive ends once, and each new socket gets only
        // its own data.
        for (int round = 0; round < 20; round++)
        {
            using var first = SocketPair.Create();
            EpollTransport old = Register(first.TakeServer());
            Task<int> oldReceive = old.ReceiveAsync(new byte[16]).AsTask();
            old.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => oldReceive.WaitAsync(Patience));

            using var second = SocketPair.Create();
            using EpollTransport fresh = Register(second.TakeServer());
            byte[] buffer = new byte[16];
            Task<int> receive = fresh.ReceiveAsync(buffer).AsTask();
            second.Peer.Send(new byte[] { (byte)round });
            Assert.Equal(1, await receive.WaitAsync(Patience));
            Assert.Equal(round, buffer[0]);
        }
    }

    [Fact]
    public void AnEmptyReceiveBufferIsRefused()
    {
        using var pair = SocketPair.Create();
        using EpollTransport transport = Register(pair.TakeServer());
        Assert.Throws<ArgumentException>(() => transport.ReceiveAsync(Memory<byte>.Empty));
    }

    /// <summary>Gives the socket to an engine and adds it to the epoll set at once, as the host does after the first receive.</summary>
    private static EpollTransport Register(Socket socket)
    {
        EpollTransport transport = EpollEngine.Register(socket);
        Assert.Equal(0, transport.Activate());
        return transport;
    }

    /// <summary>A connected Unix stream socket pair made through a listener on a temporary path.</summary>
    private sealed class SocketPair : IDisposable
    {
        private readonly string _directory;
        private Socket? _server;

        private SocketPair(string directory, Socket server, Socket peer)
        {
            _directory = directory;
            _server = server;
            Peer = peer;
        }

        public Socket Peer { get; }

        public static SocketPair Create()
        {
            string directory = TestServer.NewTempDirectory();
            var endPoint = new UnixDomainSocketEndPoint(Path.Combine(directory, "pair.sock"));
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(endPoint);
            listener.Listen(1);
            var peer = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            peer.Connect(endPoint);
            return new SocketPair(directory, listener.Accept(), peer);
        }

        /// <summary>The accepted end, for a transport to own.</summary>
        public Socket TakeServer() => Interlocked.Exchange(ref _server, null) ?? throw new InvalidOperationException("taken already");

        public void Dispose()
        {
            _server?.Dispose();
            Peer.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
