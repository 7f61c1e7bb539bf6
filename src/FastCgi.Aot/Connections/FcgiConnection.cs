using System;
using System.Buffers;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Transport;

namespace FastCgi.Aot.Connections;

/// <summary>
/// One FastCGI connection: the receive loop that reads records in place from one reusable buffer,
/// answers management records, and hands every request record to the connection's
/// <see cref="RequestTable{TApp}"/>; and the connection's own life (timeouts, closing, stopping).
/// </summary>
/// <remarks>
/// A request that completes inline goes from socket readiness to its one send without changing
/// threads: the receive loop runs the handler, and delivers the answer with the control records
/// once it has processed the bytes it received.
/// </remarks>
internal sealed class FcgiConnection<TApp> : IFcgiConnection
    where TApp : IFcgiApplication
{
    // A GET_VALUES query or a BEGIN_REQUEST body is small; a management record larger than this
    // is not one we answer in full (FastCGI 1.0 §4.1 lets us answer only the names we know).
    private const int MaxManagementContent = 4096;

    /// <summary>The receive buffer while a body streams in: a record's worth (65,535 bytes and a header, rounded up).</summary>
    internal const int LargeReceiveBufferSize = 64 * 1024;

    private readonly FcgiHostState _host;
    private readonly FcgiServerOptions _options;
    private readonly ConnectionTransport _transport;
    private readonly OutputProducer _output;
    private readonly RequestTable<TApp> _requests;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _overloaded;
    private byte[]? _receiveBuffer;
    private FcgiRecordReader _reader;
    private GrowableBuffer _management = new();
    private long _lastActivity;
    private volatile bool _closing;
    private volatile bool _receivedAny;
    private volatile bool _midRecord;

    public FcgiConnection(FcgiHostState host, ConnectionTransport transport)
    {
        _host = host;
        _options = host.Options;
        _transport = transport;
        _output = new OutputProducer(transport);
        _requests = new RequestTable<TApp>(this, host, _output);
        _lastActivity = Environment.TickCount64;
    }

    public Task Completion => _completion.Task;

    /// <summary>Marks a connection accepted past the connection limit: each of its requests is answered FCGI_OVERLOADED.</summary>
    public void MarkOverloaded() => _overloaded = true;

    public async Task RunAsync()
    {
        _receiveBuffer = ArrayPool<byte>.Shared.Rent(_options.ReceiveBufferSize);
        try
        {
            while (true)
            {
                int received = await _transport.ReceiveAsync(_receiveBuffer.AsMemory()).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                if (_closing)
                {
                    // Closing after a request without FCGI_KEEP_CONN: drain until the peer closes
                    // so the kernel does not answer unread bytes with a reset that could cut off
                    // the response; the host's timer ends a peer that never closes.
                    continue;
                }

                _lastActivity = Environment.TickCount64;
                _receivedAny = true;
                int offset = 0;
                InputStep step;
                while ((step = Process(received, ref offset)) == InputStep.Await)
                {
                    // A body's bytes go to disk before more are read: back-pressure from the
                    // disk to the web server, and the receive buffer stays as it is meanwhile.
                    await _requests.TakePendingInput().ConfigureAwait(false);
                }

                await _requests.FlushReadyAsync().ConfigureAwait(false);
                if (step == InputStep.Close)
                {
                    Interlocked.Increment(ref _host.Statistics._protocolErrors);
                    break;
                }

                ResizeReceiveBuffer(received);
            }
        }
        catch (SocketException)
        {
            // The peer reset the connection: the same as a close.
        }
        catch (ObjectDisposedException)
        {
            // Closed by a timeout or by the host.
        }
        finally
        {
            await ShutdownAsync().ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(_receiveBuffer);
            _receiveBuffer = null;
        }
    }

    /// <summary>
    /// Between receives (every byte of the buffer handled): a receive that filled the buffer left
    /// more in the socket, a body streaming in, which is then read <see cref="LargeReceiveBufferSize"/>
    /// at a time (a 1 MiB upload took 65 receives of 16 KiB, 16 of 64 KiB); the first receive
    /// that would have fit the small buffer goes back to it, so connections between requests
    /// hold <see cref="Hosting.FcgiServerOptions.ReceiveBufferSize"/> only.
    /// </summary>
    private void ResizeReceiveBuffer(int received)
    {
        byte[] buffer = _receiveBuffer!;
        bool large = buffer.Length >= LargeReceiveBufferSize;
        int size;
        if (!large && received == buffer.Length)
        {
            size = LargeReceiveBufferSize;
        }
        else if (large && received < _options.ReceiveBufferSize && _options.ReceiveBufferSize < LargeReceiveBufferSize)
        {
            size = _options.ReceiveBufferSize;
        }
        else
        {
            return;
        }

        _receiveBuffer = ArrayPool<byte>.Shared.Rent(size);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>Handles the records in the first <paramref name="received"/> bytes of the receive buffer, from <paramref name="offset"/>.</summary>
    /// <returns>Whether to go on, close the connection, or await the request table's pending input and call again.</returns>
    private InputStep Process(int received, ref int offset)
    {
        InputStep step = InputStep.Continue;
        while (offset < received && !_closing)
        {
            FcgiReadStatus status = _reader.Read(_receiveBuffer.AsSpan(offset, received - offset), out int consumed, out FcgiRecordFragment fragment);
            offset += consumed;
            if (status == FcgiReadStatus.NeedMoreData)
            {
                break;
            }

            if (status == FcgiReadStatus.UnsupportedVersion)
            {
                _host.LogVerbose("fastcgi: closing a connection that sent a record with an unsupported version");
                return InputStep.Close;
            }

            step = HandleRecord(fragment);
            if (step != InputStep.Continue)
            {
                break;
            }
        }

        // A peer stalled inside a record is waiting-for-input even with no request active yet.
        _midRecord = !_reader.IsAtRecordBoundary;
        return step;
    }

    private InputStep HandleRecord(FcgiRecordFragment fragment)
    {
        FcgiRecordHeader header = fragment.Header;
        if (header.IsManagement)
        {
            HandleManagement(fragment);
            return InputStep.Continue;
        }

        switch (header.Type)
        {
            case FcgiRecordType.BeginRequest:
                return HandleBeginRequest(fragment) ? InputStep.Continue : InputStep.Close;
            case FcgiRecordType.AbortRequest:
                if (fragment.IsRecordEnd)
                {
                    _requests.Abort(header.RequestId);
                }

                return InputStep.Continue;
            case FcgiRecordType.Params:
            case FcgiRecordType.Stdin:
            case FcgiRecordType.Data:
                return _requests.ReceiveStream(fragment);
            default:
                // Other types make no sense from a web server on a request id; FastCGI 1.0 has
                // UNKNOWN_TYPE only for management records, so they are ignored.
                return InputStep.Continue;
        }
    }

    private void HandleManagement(FcgiRecordFragment fragment)
    {
        if (fragment.IsRecordStart)
        {
            _management.Reset();
        }

        if (_management.Length + fragment.Content.Length <= MaxManagementContent)
        {
            _management.TryAppend(fragment.Content, MaxManagementContent);
        }

        if (!fragment.IsRecordEnd)
        {
            return;
        }

        if (fragment.Header.Type == FcgiRecordType.GetValues)
        {
            WriteGetValuesResult(_management.WrittenSpan);
        }
        else
        {
            Span<byte> record = _output.GetControlSpan(FcgiConstants.FixedBodyRecordLength);
            _output.AdvanceControl(FcgiRecordWriter.WriteUnknownType(record, (byte)fragment.Header.Type));
        }

        _management.Reset();
    }

    /// <summary>Answers FCGI_GET_VALUES with exactly the known names asked for (FastCGI 1.0 §4.1).</summary>
    private void WriteGetValuesResult(ReadOnlySpan<byte> query)
    {
        Span<byte> pairs = stackalloc byte[128];
        int length = 0;
        Span<byte> number = stackalloc byte[11];
        var reader = new FcgiNameValueReader(query);
        while (reader.Read(out ReadOnlySpan<byte> name, out _) == FcgiNameValueStatus.Pair)
        {
            int value;
            if (name.SequenceEqual(FcgiConstants.MaxConnections))
            {
                value = _options.MaxConnections;
            }
            else if (name.SequenceEqual(FcgiConstants.MaxRequests))
            {
                // The spec calls it "the maximum number of concurrent requests this application
                // will accept", but the clients that multiplex (HAProxy's mpxs-conns) apply it per
                // connection: announce what one connection takes, so that they open another
                // connection rather than meet FCGI_OVERLOADED.
                value = Math.Min(_options.MaxRequests, _options.MaxRequestsPerConnection);
            }
            else if (name.SequenceEqual(FcgiConstants.MultiplexesConnections))
            {
                value = _options.MaxRequestsPerConnection > 1 ? 1 : 0;
            }
            else
            {
                continue;
            }

            System.Buffers.Text.Utf8Formatter.TryFormat(value, number, out int digits);
            if (FcgiNameValueWriter.TryWrite(pairs.Slice(length), name, number.Slice(0, digits), out int written))
            {
                length += written;
            }
        }

        Span<byte> record = _output.GetControlSpan(FcgiRecordWriter.GetRecordLength(length));
        _output.AdvanceControl(FcgiRecordWriter.WriteGetValuesResult(record, pairs.Slice(0, length)));
    }

    private bool HandleBeginRequest(FcgiRecordFragment fragment)
    {
        if (fragment.IsRecordStart)
        {
            _management.Reset();
        }

        _management.TryAppend(fragment.Content, MaxManagementContent);
        if (!fragment.IsRecordEnd)
        {
            return true;
        }

        if (!FcgiBeginRequestBody.TryRead(_management.WrittenSpan, out FcgiBeginRequestBody body))
        {
            _host.LogVerbose($"fastcgi: closing a connection that sent a BEGIN_REQUEST with a {_management.Length}-byte body");
            return false;
        }

        _management.Reset();
        return _requests.Begin(fragment.Header.RequestId, body.Role, body.KeepConnection, _overloaded);
    }

    // ---------------------------------------------------------------------------------------
    // The connection's life
    // ---------------------------------------------------------------------------------------

    /// <summary>The idle timeout counts from the last answer, not from the last request read.</summary>
    public void NoteActivity() => _lastActivity = Environment.TickCount64;

    /// <summary>Closes the sending side after the last answer (a request without FCGI_KEEP_CONN, a stopping server).</summary>
    public void CloseAfterResponse()
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        _lastActivity = Environment.TickCount64;
        try
        {
            // FIN after the last END_REQUEST; the receive loop ends when the peer closes too,
            // or the host's timer closes the socket. When the process is about to exit, do not
            // wait for the peer: shutting down the receive side too ends the pending receive.
            // Not Dispose: closing a socket with a receive in flight may reset the connection,
            // and a reset can discard the response still queued for the peer.
            _transport.Shutdown(_host.Stopping ? SocketShutdown.Both : SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            Abort();
        }
    }

    public void CheckTimeouts(long now)
    {
        if (_output.Closed)
        {
            return;
        }

        _requests.CheckTimeouts(now);
        if (_output.SendWaitingFor(now) > (long)_options.ReadTimeout.TotalMilliseconds)
        {
            // A send has waited a whole read timeout for the web server to read: it stopped
            // reading, and everything on this connection waits behind it.
            _host.LogError("fastcgi: closing a connection whose web server stopped reading its answers");
            Abort();
            return;
        }

        long silent = now - Volatile.Read(ref _lastActivity);
        bool waitingForInput = _midRecord || _requests.WaitingForInput;
        if ((_closing && silent > 5000) ||
            (_requests.ActiveCount == 0 && silent > (long)_options.IdleTimeout.TotalMilliseconds) ||
            (waitingForInput && silent > (long)_options.ReadTimeout.TotalMilliseconds))
        {
            Abort();
        }
    }

    public void BeginStop()
    {
        // An idle keep-alive connection closes at once: a web server retries a request it sent on
        // a cached connection that closed. A connection that has sent nothing yet was accepted for
        // a request on its way, and a direct client would not retry it: it is served, then closed
        // (or aborted at the shutdown deadline).
        if (_requests.ActiveCount == 0 && _receivedAny)
        {
            Abort();
        }
    }

    public void Abort()
    {
        _closing = true;
        try
        {
            _transport.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs once when the receive loop ends: every active request ends with the connection (FastCGI 1.0 §5.4).</summary>
    private async Task ShutdownAsync()
    {
        _closing = true;
        _transport.Dispose();

        // Wait for a send in progress on another thread (it fails now that the socket is closed),
        // so that the buffers go back to the pool with nobody using them.
        await _output.WaitAsync().ConfigureAwait(false);
        _output.Closed = true;
        _output.Release();
        _requests.EndAll();
        await _output.WaitAsync().ConfigureAwait(false);
        _output.ReleaseBuffers();
        _output.Release();
        _management.Release();
        _host.RemoveConnection(this);
        _completion.TrySetResult();
    }
}
