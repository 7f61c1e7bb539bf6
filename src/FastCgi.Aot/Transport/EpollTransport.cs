using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace FastCgi.Aot.Transport;

/// <summary>
/// A connection's socket driven by an <see cref="EpollEngine"/>: receives and sends are
/// non-blocking system calls made by the caller, and an operation that would block waits for the
/// engine's event and is finished by the engine's thread.
/// </summary>
/// <remarks>
/// <para>What it saves over <c>Socket.ReceiveAsync</c>: System.Net.Sockets tries every receive
/// first and, when nothing has arrived yet, which is the normal case for the next request on a
/// kept-alive connection, pays for a <c>recvmsg</c> that returns EAGAIN before it waits. Here a
/// receive that got less than it asked for has emptied the socket, so the next receive waits for
/// the engine without trying: edge-triggered epoll reports every arrival after that read began.
/// That makes a request cost one <c>recv</c> and one <c>send</c>, plus its share of an
/// <c>epoll_wait</c> that serves every connection that became ready at once.</para>
/// <para>Each system call holds a reference on the socket's handle, so a close from another
/// thread (a timeout, a stopping server) cannot free the descriptor number, and hand it to a new
/// connection, while a call is using it.</para>
/// </remarks>
internal sealed class EpollTransport : ConnectionTransport
{
    private const uint InputEvents = Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLET;
    private const uint InputOutputEvents = InputEvents | Libc.EPOLLOUT;
    private const uint ReadableEvents = Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR;
    private const uint WritableEvents = Libc.EPOLLOUT | Libc.EPOLLHUP | Libc.EPOLLERR;

    private readonly EpollEngine _engine;
    private readonly Socket _socket;
    private readonly SafeSocketHandle _handle;
    private readonly object _gate = new();
    private readonly Operation _receive = new();
    private readonly Operation _send = new();

    // 1 when a receive should try the socket: the engine saw input the last receive may not have
    // taken. Starts at 0: the first receive waits until Activate adds the socket to the engine's
    // epoll set, which reports input already queued, so even a connection's first request runs
    // on the engine's thread, not on the thread that accepted the connection.
    private int _readReady;

    // 1 once the engine saw the peer close its side or an error. A short read proves the socket
    // had no more data, not that no end of stream was already queued behind it, and a hang-up
    // that came before a read raises no new event after it: from here every receive tries.
    private int _hangUp;

    // Guarded by _gate. A receive or send waits for the engine while its buffer is not empty
    // (neither operation takes an empty one).
    private bool _closed;
    private bool _inEpollSet;
    private Memory<byte> _receiveBuffer;
    private ReadOnlyMemory<byte> _sendData;
    private bool _outputArmed;

    public EpollTransport(EpollEngine engine, Socket socket)
    {
        _engine = engine;
        _socket = socket;
        _handle = socket.SafeHandle;
    }

    /// <summary>The epoll data of the socket's events: generation in the high half, its slot in the engine in the low. Set once, before the socket is registered.</summary>
    public ulong Token { get; set; }

    /// <summary>The socket's slot in its engine (the low half of <see cref="Token"/>).</summary>
    public int Slot => (int)(uint)Token;

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("A receive needs room for at least one byte.", nameof(buffer));
        }

        while (true)
        {
            if (Volatile.Read(ref _readReady) != 0 || Volatile.Read(ref _hangUp) != 0)
            {
                // Cleared before the read: input that arrives after this point raises a new event.
                Interlocked.Exchange(ref _readReady, 0);
                int received = TryReceive(buffer.Span, out int error);
                if (received >= 0)
                {
                    if (received == buffer.Length || received == 0)
                    {
                        // More may be waiting; and end of stream stays readable.
                        Volatile.Write(ref _readReady, 1);
                    }

                    return new ValueTask<int>(received);
                }

                if (error != Libc.EAGAIN)
                {
                    return ValueTask.FromException<int>(ErrorFor(error, "recv"));
                }
            }

            lock (_gate)
            {
                if (_closed)
                {
                    return ValueTask.FromException<int>(Closed());
                }

                if (Volatile.Read(ref _readReady) != 0)
                {
                    // The engine saw input (or a hang-up) between the read and the lock.
                    continue;
                }

                _receive.Reset();
                _receiveBuffer = buffer;
                return new ValueTask<int>(_receive, _receive.Version);
            }
        }
    }

    /// <summary>
    /// Adds the socket to its engine's epoll set: from here on its events reach the engine. Call
    /// once the first receive waits, so that the engine, not the caller, completes it.
    /// </summary>
    /// <returns>0, or the errno of epoll_ctl (the caller should close the transport).</returns>
    public int Activate()
    {
        lock (_gate)
        {
            return _closed ? Libc.EBADF : _inEpollSet ? 0 : SetEvents(InputEvents);
        }
    }

    public override ValueTask<int> SendAsync(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            return new ValueTask<int>(0);
        }

        int sent = TrySend(data.Span, out int error);
        if (sent >= 0)
        {
            return new ValueTask<int>(sent);
        }

        if (error != Libc.EAGAIN)
        {
            return ValueTask.FromException<int>(ErrorFor(error, "send"));
        }

        lock (_gate)
        {
            if (_closed)
            {
                return ValueTask.FromException<int>(Closed());
            }

            if (!_outputArmed)
            {
                // epoll_ctl re-checks readiness: room freed since the failed send raises the
                // event at once, so no wake-up is lost between the send and this.
                if (SetEvents(InputOutputEvents) is int armError and not 0)
                {
                    return ValueTask.FromException<int>(ErrorFor(armError, "epoll_ctl"));
                }

                _outputArmed = true;
            }

            _send.Reset();
            _sendData = data;
            return new ValueTask<int>(_send, _send.Version);
        }
    }

    public override void Shutdown(SocketShutdown how) => _socket.Shutdown(how);

    public override void Dispose()
    {
        bool receivePending;
        bool sendPending;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            receivePending = !_receiveBuffer.IsEmpty;
            sendPending = !_sendData.IsEmpty;
            _receiveBuffer = default;
            _sendData = default;
        }

        // The slot goes first: the closed descriptor's number may be reused at once.
        _engine.Remove(this);
        _socket.Dispose();
        if (receivePending)
        {
            _receive.SetException(Closed());
        }

        if (sendPending)
        {
            _send.SetException(Closed());
        }
    }

    /// <summary>Runs on the engine's thread for each event of this socket.</summary>
    public void OnEvents(uint events)
    {
        if ((events & (Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0)
        {
            Volatile.Write(ref _hangUp, 1);
        }

        if ((events & ReadableEvents) != 0)
        {
            OnReadable();
        }

        if ((events & WritableEvents) != 0)
        {
            OnWritable();
        }
    }

    private void OnReadable()
    {
        Memory<byte> buffer;
        lock (_gate)
        {
            if (_receiveBuffer.IsEmpty)
            {
                Volatile.Write(ref _readReady, 1);
                return;
            }

            // Taken: from here only this thread finishes the receive.
            buffer = _receiveBuffer;
            _receiveBuffer = default;
        }

        int received = TryReceive(buffer.Span, out int error);
        if (received < 0 && error == Libc.EAGAIN && Park(ref _receiveBuffer, buffer))
        {
            return;
        }

        if (received >= 0)
        {
            if (received == buffer.Length || received == 0)
            {
                Volatile.Write(ref _readReady, 1);
            }

            _receive.SetResult(received);
        }
        else
        {
            _receive.SetException(error == Libc.EAGAIN ? Closed() : ErrorFor(error, "recv"));
        }
    }

    private void OnWritable()
    {
        ReadOnlyMemory<byte> data;
        lock (_gate)
        {
            if (_sendData.IsEmpty)
            {
                if (_outputArmed && !_closed)
                {
                    // Nothing waits for room any more: stop the wake-ups the peer's reads cause.
                    // A failure leaves the wake-ups on, which costs time, not correctness.
                    _outputArmed = false;
                    SetEvents(InputEvents);
                }

                return;
            }

            data = _sendData;
            _sendData = default;
        }

        int sent = TrySend(data.Span, out int error);
        if (sent < 0 && error == Libc.EAGAIN && Park(ref _sendData, data))
        {
            return;
        }

        if (sent >= 0)
        {
            _send.SetResult(sent);
        }
        else
        {
            _send.SetException(error == Libc.EAGAIN ? Closed() : ErrorFor(error, "send"));
        }
    }

    /// <summary>Puts an operation the engine took back to waiting, after a spurious wake-up; false when the socket closed meanwhile.</summary>
    private bool Park<T>(ref T slot, T value)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            slot = value;
            return true;
        }
    }

    /// <summary>
    /// Sets the events the socket waits for, adding it to its engine's epoll set the first time.
    /// Call under <see cref="_gate"/>. Returns 0 or the errno (EBADF once closed).
    /// </summary>
    private int SetEvents(uint events)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            int error = _engine.Control((int)_handle.DangerousGetHandle(), add: !_inEpollSet, events, Token);
            _inEpollSet |= error == 0;
            return error;
        }
        catch (ObjectDisposedException)
        {
            return Libc.EBADF;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>recv(2) without blocking; the byte count, or -1 with the errno (EBADF once closed).</summary>
    private int TryReceive(Span<byte> buffer, out int error) =>
        TryTransfer(ref MemoryMarshal.GetReference(buffer), buffer.Length, send: false, out error);

    /// <summary>send(2) without blocking and without SIGPIPE; the byte count, or -1 with the errno (EBADF once closed).</summary>
    private int TrySend(ReadOnlySpan<byte> data, out int error) =>
        TryTransfer(ref MemoryMarshal.GetReference(data), data.Length, send: true, out error);

    private int TryTransfer(ref byte buffer, int length, bool send, out int error)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            IntPtr fd = _handle.DangerousGetHandle();
            while (true)
            {
                nint count = send
                    ? Libc.Send(fd, ref buffer, (nuint)length, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL)
                    : Libc.Recv(fd, ref buffer, (nuint)length, Libc.MSG_DONTWAIT);
                if (count >= 0)
                {
                    error = 0;
                    return (int)count;
                }

                error = Marshal.GetLastPInvokeError();
                if (error != Libc.EINTR)
                {
                    return -1;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            error = Libc.EBADF;
            return -1;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private static ObjectDisposedException Closed() => new(nameof(Socket));

    /// <summary>The exception for a failed call: <see cref="ObjectDisposedException"/> once closed, else a <see cref="SocketException"/>.</summary>
    public static Exception ErrorFor(int errno, string call) => errno switch
    {
        Libc.EBADF => Closed(),
        Libc.ECONNRESET => new SocketException((int)SocketError.ConnectionReset),
        Libc.EPIPE => new SocketException((int)SocketError.Shutdown),
        Libc.ENOTCONN => new SocketException((int)SocketError.NotConnected),
        Libc.ETIMEDOUT => new SocketException((int)SocketError.TimedOut),
        _ => new SocketException((int)SocketError.SocketError, $"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}"),
    };

    /// <summary>A reusable awaitable for one receive or send at a time; its continuation runs on the thread that completes it.</summary>
    private sealed class Operation : IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<int> _core;

        public short Version => _core.Version;

        public void Reset() => _core.Reset();

        public void SetResult(int result) => _core.SetResult(result);

        public void SetException(Exception exception) => _core.SetException(exception);

        public int GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
