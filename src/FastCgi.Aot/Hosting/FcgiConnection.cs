using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting.Io;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Hosting;

/// <summary>
/// One FastCGI connection: reads records, keeps the table of active requests, runs the
/// application's handler when a request's input is complete, and writes its answer.
/// </summary>
/// <remarks>
/// <para>The receive loop parses records in place from one reusable buffer and runs handlers
/// inline, so a request that completes synchronously goes from socket readiness to its one send
/// without changing threads. Sends are serialized by a lock: records of different requests never
/// interleave inside a record.</para>
/// <para>Every request gets exactly one END_REQUEST: <see cref="RequestContext.EndSent"/> is
/// checked and set under the send lock by every path that ends a request (completion, abort,
/// timeout, error). Output written after that is dropped.</para>
/// </remarks>
internal sealed partial class FcgiConnection<TApp> : IFcgiConnection, IConnectionOutput
    where TApp : IFcgiApplication
{
    private const uint AppStatusOk = 0;
    private const uint AppStatusFailed = 1;

    // A GET_VALUES query or a BEGIN_REQUEST body is small; a management record larger than this
    // is not one we answer in full (FastCGI 1.0 §4.1 lets us answer only the names we know).
    private const int MaxManagementContent = 4096;

    private readonly FcgiHostState _host;
    private readonly FcgiServerOptions _options;
    private readonly ConnectionTransport _transport;
    private bool _overloaded;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly object _tableLock = new();
    private readonly RequestContext?[] _active;
    private readonly List<RequestContext> _ready = [];

    // The request whose input the receive loop is reading (its handler not started yet), so
    // that its PARAMS and STDIN records skip the table lock: three lock round trips of a
    // request's ten, measured 2026-11 as about 5% of app CPU for all Monitor.Enter/Exit. Only
    // the receive loop reads or writes it, and a request is taken out of the table before its
    // handler runs only by the receive loop, so while it is set it is in the table, with the
    // id and phase Find would see. Cleared wherever the receive loop moves a request to
    // Running, before the request can return to the pool.
    private RequestContext? _receiving;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _receiveBuffer;
    private FcgiRecordReader _reader;
    private GrowableBuffer _control = new();
    private GrowableBuffer _management = new();
    private GrowableBuffer _send = new();
    private GrowableBuffer _headerScratch = new();
    private int _activeCount;
    private long _lastActivity;
    private volatile bool _closing;
    private volatile bool _receivedAny;
    private volatile bool _midRecord;
    private bool _disposed;

    public FcgiConnection(FcgiHostState host, ConnectionTransport transport)
    {
        _host = host;
        _options = host.Options;
        _transport = transport;
        _active = new RequestContext?[_options.MaxRequestsPerConnection];
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
                if (!await ProcessAsync(received).ConfigureAwait(false))
                {
                    break;
                }
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

    /// <summary>Handles the records in the first <paramref name="received"/> bytes of the receive buffer.</summary>
    /// <returns>False when the connection must close.</returns>
    private async ValueTask<bool> ProcessAsync(int received)
    {
        int offset = 0;
        while (offset < received && !_closing)
        {
            RecordOutcome outcome = ProcessFragment(received, ref offset, out RequestContext? abortRunning);
            if (outcome == RecordOutcome.Close)
            {
                Interlocked.Increment(ref _host.Statistics._protocolErrors);
                return false;
            }

            if (abortRunning is not null)
            {
                await EndRunningAsync(abortRunning, timedOut: false).ConfigureAwait(false);
            }

            if (_ready.Count > 0 || _control.Length > 0)
            {
                await SendReadyAsync().ConfigureAwait(false);
            }

            if (outcome == RecordOutcome.NeedMoreData)
            {
                break;
            }
        }

        // A peer stalled inside a record is waiting-for-input even with no request active yet.
        _midRecord = !_reader.IsAtRecordBoundary;
        return true;
    }

    private enum RecordOutcome
    {
        Continue,
        NeedMoreData,
        Close,
    }

    private RecordOutcome ProcessFragment(int received, ref int offset, out RequestContext? abortRunning)
    {
        abortRunning = null;
        FcgiReadStatus status = _reader.Read(_receiveBuffer.AsSpan(offset, received - offset), out int consumed, out FcgiRecordFragment fragment);
        offset += consumed;
        if (status == FcgiReadStatus.NeedMoreData)
        {
            return RecordOutcome.NeedMoreData;
        }

        if (status == FcgiReadStatus.UnsupportedVersion)
        {
            _host.LogVerbose("fastcgi: closing a connection that sent a record with an unsupported version");
            return RecordOutcome.Close;
        }

        FcgiRecordHeader header = fragment.Header;
        if (header.IsManagement)
        {
            return HandleManagement(fragment);
        }

        switch (header.Type)
        {
            case FcgiRecordType.BeginRequest:
                return HandleBeginRequest(fragment);
            case FcgiRecordType.AbortRequest:
                if (fragment.IsRecordEnd)
                {
                    abortRunning = HandleAbort(header.RequestId);
                }

                return RecordOutcome.Continue;
            case FcgiRecordType.Params:
            case FcgiRecordType.Stdin:
            case FcgiRecordType.Data:
                return HandleStream(fragment);
            default:
                // Other types make no sense from a web server on a request id; FastCGI 1.0 has
                // UNKNOWN_TYPE only for management records, so they are ignored.
                return RecordOutcome.Continue;
        }
    }
}
