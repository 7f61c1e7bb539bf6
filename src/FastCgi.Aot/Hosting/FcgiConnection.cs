using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
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
internal sealed class FcgiConnection<TApp> : IFcgiConnection, IConnectionOutput
    where TApp : IFcgiApplication
{
    private const uint AppStatusOk = 0;
    private const uint AppStatusFailed = 1;

    // A GET_VALUES query or a BEGIN_REQUEST body is small; a management record larger than this
    // is not one we answer in full (FastCGI 1.0 §4.1 lets us answer only the names we know).
    private const int MaxManagementContent = 4096;

    private readonly FcgiHostState _host;
    private readonly FcgiServerOptions _options;
    private readonly Socket _socket;
    private bool _overloaded;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly object _tableLock = new();
    private readonly RequestContext?[] _active;
    private readonly List<RequestContext> _ready = [];
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
    private int _shutdown;

    public FcgiConnection(FcgiHostState host, Socket socket)
    {
        _host = host;
        _options = host.Options;
        _socket = socket;
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
                int received = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
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
                if (!await SendReadyAsync().ConfigureAwait(false))
                {
                    return false;
                }
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

    private RecordOutcome HandleManagement(FcgiRecordFragment fragment)
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
            return RecordOutcome.Continue;
        }

        if (fragment.Header.Type == FcgiRecordType.GetValues)
        {
            WriteGetValuesResult(_management.WrittenSpan);
        }
        else
        {
            Span<byte> record = _control.GetSpan(FcgiConstants.FixedBodyRecordLength);
            _control.Advance(FcgiRecordWriter.WriteUnknownType(record, (byte)fragment.Header.Type));
        }

        _management.Reset();
        return RecordOutcome.Continue;
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
                value = _options.MaxRequests;
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

        Span<byte> record = _control.GetSpan(FcgiRecordWriter.GetRecordLength(length));
        _control.Advance(FcgiRecordWriter.WriteGetValuesResult(record, pairs.Slice(0, length)));
    }

    private RecordOutcome HandleBeginRequest(FcgiRecordFragment fragment)
    {
        if (fragment.IsRecordStart)
        {
            _management.Reset();
        }

        _management.TryAppend(fragment.Content, MaxManagementContent);
        if (!fragment.IsRecordEnd)
        {
            return RecordOutcome.Continue;
        }

        ushort id = fragment.Header.RequestId;
        if (!FcgiBeginRequestBody.TryRead(_management.WrittenSpan, out FcgiBeginRequestBody body))
        {
            _host.LogVerbose($"fastcgi: closing a connection that sent a BEGIN_REQUEST with a {_management.Length}-byte body");
            return RecordOutcome.Close;
        }

        _management.Reset();
        if (Find(id) is not null)
        {
            _host.LogVerbose($"fastcgi: closing a connection that sent BEGIN_REQUEST for active request id {id}");
            return RecordOutcome.Close;
        }

        if (body.Role is not (FcgiRole.Responder or FcgiRole.Authorizer or FcgiRole.Filter) || !TApp.AcceptsRole(body.Role))
        {
            // FastCGI 1.0 §5.1: a role the application does not play ends the request at once,
            // and the connection goes on (libfcgi drops the connection here).
            WriteEndRequest(id, AppStatusOk, FcgiProtocolStatus.UnknownRole);
            return RecordOutcome.Continue;
        }

        // While the server stops, a connection that is still open serves what arrives on it and
        // closes once idle: refusing with FCGI_OVERLOADED would reach nginx's client as a 502,
        // while a closed keep-alive connection makes nginx retry on a fresh one, which waits in
        // the (inherited) listen backlog for the next process.
        if (_overloaded)
        {
            Interlocked.Increment(ref _host.Statistics._refusedOverloaded);
            WriteEndRequest(id, AppStatusOk, FcgiProtocolStatus.Overloaded);
            return RecordOutcome.Continue;
        }

        if (Volatile.Read(ref _activeCount) >= _active.Length)
        {
            Interlocked.Increment(ref _host.Statistics._refusedOverloaded);
            WriteEndRequest(id, AppStatusOk, _active.Length == 1 ? FcgiProtocolStatus.CantMultiplexConnection : FcgiProtocolStatus.Overloaded);
            return RecordOutcome.Continue;
        }

        if (!_host.TryStartRequest())
        {
            Interlocked.Increment(ref _host.Statistics._refusedOverloaded);
            WriteEndRequest(id, AppStatusOk, FcgiProtocolStatus.Overloaded);
            return RecordOutcome.Continue;
        }

        RequestContext context = _host.Pool.Rent();
        context.Begin(this, id, body.Role, body.KeepConnection);
        lock (_tableLock)
        {
            for (int i = 0; i < _active.Length; i++)
            {
                if (_active[i] is null)
                {
                    _active[i] = context;
                    _activeCount++;
                    break;
                }
            }
        }

        return RecordOutcome.Continue;
    }

    private RequestContext? HandleAbort(ushort id)
    {
        RequestContext? context;
        lock (_tableLock)
        {
            context = Find(id);
            if (context?.Phase == RequestPhase.Running)
            {
                // Held for EndRunningAsync: the handler may finish on another thread meanwhile,
                // and the context must not go back to the pool while the abort still uses it.
                context.AddHold();
                Interlocked.Increment(ref _host.Statistics._aborted);
                return context;
            }
        }

        if (context is null)
        {
            // FastCGI 1.0 §3.3: records for inactive ids are ignored.
            return null;
        }

        Interlocked.Increment(ref _host.Statistics._aborted);

        // The handler never started: answer at once (an empty STDOUT and END_REQUEST) through the
        // ready list, which frees the id and, without FCGI_KEEP_CONN, closes the connection after
        // the answer (FastCGI 1.0 §5.1), as for a request rejected before its handler.
        context.Response.Discard();
        context.Phase = RequestPhase.Running;
        Release(context);
        _ready.Add(context);
        return null;
    }

    private RecordOutcome HandleStream(FcgiRecordFragment fragment)
    {
        FcgiRecordHeader header = fragment.Header;
        RequestContext? context = Find(header.RequestId);
        if (context is null)
        {
            // The spec says to ignore records for inactive ids (nginx or a rejected request's tail).
            return RecordOutcome.Continue;
        }

        bool endOfStream = header.ContentLength == 0;
        switch (header.Type)
        {
            case FcgiRecordType.Params when context.Phase == RequestPhase.Params:
                if (!endOfStream)
                {
                    if (context.Rejection == 0 && !context.Request.TryAppendParams(fragment.Content, _options.MaxParamsBytes))
                    {
                        // Stop buffering but keep reading: PARAMS must be read whole before output (§3.3).
                        context.Rejection = 431;
                    }

                    return RecordOutcome.Continue;
                }

                return CompleteParams(context);

            case FcgiRecordType.Stdin when context.Phase == RequestPhase.Stdin:
                if (!endOfStream)
                {
                    if (!context.Request.TryAppendBody(fragment.Content, _options.MaxBodyBytes))
                    {
                        Reject(context, 413);
                    }

                    return RecordOutcome.Continue;
                }

                if (context.Request.Role == FcgiRole.Filter)
                {
                    context.Phase = RequestPhase.Data;
                }
                else
                {
                    StartHandler(context);
                }

                return RecordOutcome.Continue;

            case FcgiRecordType.Data when context.Phase == RequestPhase.Data:
                if (!endOfStream)
                {
                    if (!context.Request.TryAppendData(fragment.Content, _options.MaxBodyBytes))
                    {
                        Reject(context, 413);
                    }

                    return RecordOutcome.Continue;
                }

                StartHandler(context);
                return RecordOutcome.Continue;

            default:
                // A stream record out of order for this request (STDIN before PARAMS ended, DATA for
                // a Responder): ignore it rather than guess.
                return RecordOutcome.Continue;
        }
    }

    private RecordOutcome CompleteParams(RequestContext context)
    {
        if (context.Rejection != 0)
        {
            Reject(context, context.Rejection);
            return RecordOutcome.Continue;
        }

        FcgiNameValueStatus status = context.Request.CompleteParams();
        if (status != FcgiNameValueStatus.End)
        {
            _host.LogVerbose($"fastcgi: closing a connection that sent malformed PARAMS ({status})");
            return RecordOutcome.Close;
        }

        FcgiRequest request = context.Request;
        if (request.Role == FcgiRole.Authorizer)
        {
            // An Authorizer request carries no body (FastCGI 1.0 §6.3).
            StartHandler(context);
        }
        else if (request.ContentLength is long length && length > _options.MaxBodyBytes)
        {
            Reject(context, 413);
        }
        else
        {
            context.Phase = RequestPhase.Stdin;
        }

        return RecordOutcome.Continue;
    }

    /// <summary>Answers a request with an error status instead of running its handler.</summary>
    private void Reject(RequestContext context, int statusCode)
    {
        ref long counter = ref statusCode == 413 ? ref _host.Statistics._refusedBodyTooLarge : ref _host.Statistics._refusedParamsTooLarge;
        Interlocked.Increment(ref counter);
        FcgiResponse response = context.Response;
        response.Start(sink: null, suppressBody: false, int.MaxValue);
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        response.Write(statusCode == 413 ? "Request body too large.\n"u8 : "Request header fields too large.\n"u8);
        context.Phase = RequestPhase.Running;
        Release(context);
        _ready.Add(context);
    }

    private void StartHandler(RequestContext context)
    {
        context.Phase = RequestPhase.Running;
        context.StartedAt = Environment.TickCount64;
        FcgiRequest request = context.Request;
        context.Response.Start(context, suppressBody: request.Method.SequenceEqual("HEAD"u8), _options.ResponseBufferSize);
        context.Response.MaxBufferedBytes = _options.MaxResponseBufferBytes;
        if (_host.StatusPage is { } statusPage && statusPage.TryServe(request, context.Response))
        {
            // Answered by the server itself (--status-path, --ping-path), before the application.
            Release(context);
            _ready.Add(context);
            return;
        }

        ValueTask task;
        try
        {
            task = TApp.HandleAsync(request, context.Response);
        }
        catch (Exception exception)
        {
            HandlerFailed(context, exception);
            Release(context);
            _ready.Add(context);
            return;
        }

        if (task.IsCompleted)
        {
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (Exception exception)
            {
                HandlerFailed(context, exception);
            }

            Release(context);
            _ready.Add(context);
            return;
        }

        _ = AwaitHandlerAsync(context, task);
    }

    private async Task AwaitHandlerAsync(RequestContext context, ValueTask task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            HandlerFailed(context, exception);
        }

        bool closeAfter = false;
        bool removed = false;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!context.EndSent && !_disposed)
            {
                _send.Reset();
                AppendFinal(context);
                closeAfter = !context.Request.KeepConnection;

                // Free the id (and the process-wide slot) before the web server can see
                // END_REQUEST: it may reuse the id at once (nginx always sends id 1).
                removed = RemoveFromTable(context);
                await SendAsync().ConfigureAwait(false);

                // The idle timeout counts from the last answer, not from the last request read.
                _lastActivity = Environment.TickCount64;
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            _closing = true;
        }
        finally
        {
            _sendLock.Release();
        }

        if (removed || RemoveFromTable(context))
        {
            Release(context);
        }

        Release(context);
        if (closeAfter || (_host.Stopping && Volatile.Read(ref _activeCount) == 0))
        {
            CloseAfterResponse();
        }
    }

    private void HandlerFailed(RequestContext context, Exception exception)
    {
        FcgiRequest request = context.Request;
        FcgiResponse response = context.Response;
        if (exception is OperationCanceledException && request.Aborted.IsCancellationRequested)
        {
            // The handler honoured the abort: not an error.
            return;
        }

        Interlocked.Increment(ref _host.Statistics._handlerErrors);
        string message = $"fastcgi: unhandled exception in {request.GetMethodString()} {request.GetPathString()}: {exception}";
        _host.LogError(message);
        response.WriteError(message);
        if (!response.HeadersSent && !response.IsDiscarded)
        {
            response.ResetForError();
            response.StatusCode = 500;
            response.ContentType = "text/plain; charset=utf-8";
            response.Write("Internal Server Error\n"u8);
        }
    }

    /// <summary>Sends the control records and the answers of requests that completed synchronously, in one send.</summary>
    private async ValueTask<bool> SendReadyAsync()
    {
        bool closeAfter = false;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return false;
            }

            _send.Reset();
            _send.TryAppend(_control.WrittenSpan, int.MaxValue);
            _control.Reset();
            foreach (RequestContext context in _ready)
            {
                if (!context.EndSent)
                {
                    AppendFinal(context);
                    closeAfter |= !context.Request.KeepConnection;
                }

                // Free the id before the web server can see END_REQUEST (see AwaitHandlerAsync);
                // the table's hold is released after the send.
                context.OwesTableRelease = RemoveFromTable(context);
            }

            await SendAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            _closing = true;
        }
        finally
        {
            _sendLock.Release();
        }

        foreach (RequestContext context in _ready)
        {
            if (context.OwesTableRelease || RemoveFromTable(context))
            {
                context.OwesTableRelease = false;
                Release(context);
            }
        }

        _ready.Clear();
        if (closeAfter || (_host.Stopping && Volatile.Read(ref _activeCount) == 0))
        {
            CloseAfterResponse();
        }

        return !_disposed;
    }

    /// <summary>Appends a request's remaining output, the ends of its streams and END_REQUEST. Call under the send lock.</summary>
    private void AppendFinal(RequestContext context)
    {
        FcgiResponse response = context.Response;
        ushort id = context.RequestId;
        if (!response.IsDiscarded)
        {
            ReadOnlySpan<byte> head = default;
            if (!response.HeadersSent)
            {
                _headerScratch.Reset();
                Span<byte> block = _headerScratch.GetSpan(response.MaxHeaderBlockLength);
                int length = response.WriteHeaderBlock(block, complete: true);
                _headerScratch.Advance(length);
                head = _headerScratch.WrittenSpan;
                response.MarkHeadersSent();
            }

            AppendStream(FcgiRecordType.Stdout, id, head, response.PendingBody);
            response.ClearPendingBody();
        }

        ReadOnlySpan<byte> stderr = response.PendingStderr;
        if (!stderr.IsEmpty)
        {
            AppendStream(FcgiRecordType.Stderr, id, default, stderr);
            AppendStream(FcgiRecordType.Stderr, id, default, default, endStream: true);
            response.ClearPendingStderr();
        }

        AppendStream(FcgiRecordType.Stdout, id, default, default, endStream: true);
        uint appStatus = response.IsDiscarded || response.StatusCode >= 500 ? AppStatusFailed : AppStatusOk;
        Span<byte> end = _send.GetSpan(FcgiConstants.FixedBodyRecordLength);
        _send.Advance(FcgiRecordWriter.WriteEndRequest(end, id, appStatus, FcgiProtocolStatus.RequestComplete));
        context.EndSent = true;
    }

    /// <summary>Frames the concatenation of <paramref name="head"/> and <paramref name="body"/> as stream records into the send buffer.</summary>
    private void AppendStream(FcgiRecordType type, ushort id, ReadOnlySpan<byte> head, ReadOnlySpan<byte> body, bool endStream = false)
    {
        if (endStream)
        {
            Span<byte> empty = _send.GetSpan(FcgiConstants.HeaderLength);
            _send.Advance(FcgiRecordWriter.WriteEndOfStream(empty, type, id));
            return;
        }

        long total = (long)head.Length + body.Length;
        int headOffset = 0;
        int bodyOffset = 0;
        while (total > 0)
        {
            int content = (int)Math.Min(total, FcgiConstants.MaxContentLength);
            byte padding = FcgiRecordHeader.PaddingFor(content);
            Span<byte> record = _send.GetSpan(FcgiConstants.HeaderLength + content + padding);
            new FcgiRecordHeader(type, id, (ushort)content, padding).Write(record);
            Span<byte> destination = record.Slice(FcgiConstants.HeaderLength, content);
            int fromHead = Math.Min(content, head.Length - headOffset);
            head.Slice(headOffset, fromHead).CopyTo(destination);
            headOffset += fromHead;
            int fromBody = content - fromHead;
            body.Slice(bodyOffset, fromBody).CopyTo(destination.Slice(fromHead));
            bodyOffset += fromBody;
            record.Slice(FcgiConstants.HeaderLength + content, padding).Clear();
            _send.Advance(FcgiConstants.HeaderLength + content + padding);
            total -= content;
        }
    }

    private void WriteEndRequest(ushort id, uint appStatus, FcgiProtocolStatus status)
    {
        Span<byte> record = _control.GetSpan(FcgiConstants.FixedBodyRecordLength);
        _control.Advance(FcgiRecordWriter.WriteEndRequest(record, id, appStatus, status));
    }

    private async ValueTask SendAsync()
    {
        ReadOnlyMemory<byte> data = _send.WrittenMemory;
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data.Slice(sent);
        }

        _send.Reset();
    }

    /// <summary>Streams a response that outgrew its buffer: headers (once, without Content-Length) and the body so far.</summary>
    private bool AppendPartial(RequestContext context)
    {
        FcgiResponse response = context.Response;
        if (context.EndSent || _disposed || response.IsDiscarded)
        {
            response.ClearPendingBody();
            return false;
        }

        _send.Reset();
        ReadOnlySpan<byte> head = default;
        if (!response.HeadersSent)
        {
            _headerScratch.Reset();
            Span<byte> block = _headerScratch.GetSpan(response.MaxHeaderBlockLength);
            _headerScratch.Advance(response.WriteHeaderBlock(block, complete: false));
            head = _headerScratch.WrittenSpan;
            response.MarkHeadersSent();
        }

        AppendStream(FcgiRecordType.Stdout, context.RequestId, head, response.PendingBody);
        response.ClearPendingBody();
        return true;
    }

    async ValueTask IConnectionOutput.FlushResponseAsync(RequestContext context, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (AppendPartial(context))
            {
                await SendAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            PeerGone(context);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Ends a running request now: on abort with END_REQUEST alone, on timeout with a 504 when nothing was sent yet.</summary>
    private async Task EndRunningAsync(RequestContext context, bool timedOut)
    {
        try
        {
            await EndRunningCoreAsync(context, timedOut).ConfigureAwait(false);
        }
        finally
        {
            // The hold the caller took under the table lock.
            Release(context);
        }
    }

    private async Task EndRunningCoreAsync(RequestContext context, bool timedOut)
    {
        context.Response.Discard();
        bool sent = false;
        bool removed = false;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!context.EndSent && !_disposed)
            {
                _send.Reset();
                ushort id = context.RequestId;
                if (timedOut && !context.Response.HeadersSent)
                {
                    ReadOnlySpan<byte> answer = "Status: 504 Gateway Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 16\r\n\r\nRequest timeout\n"u8;
                    AppendStream(FcgiRecordType.Stdout, id, default, answer);
                }

                AppendStream(FcgiRecordType.Stdout, id, default, default, endStream: true);
                Span<byte> end = _send.GetSpan(FcgiConstants.FixedBodyRecordLength);
                _send.Advance(FcgiRecordWriter.WriteEndRequest(end, id, AppStatusFailed, FcgiProtocolStatus.RequestComplete));
                context.EndSent = true;
                sent = true;

                // Free the id before the web server can see END_REQUEST, but keep the table's
                // hold until the token has fired: a handler that finishes inside Cancel releases
                // its own hold, and the context must not return to the pool (and be handed to
                // another request, whose token this would cancel) before Cancel returns.
                removed = RemoveFromTable(context);
                await SendAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            _closing = true;
        }
        finally
        {
            _sendLock.Release();
        }

        if (!sent)
        {
            // The handler's own answer (or the connection's end) came first and owns the context.
            return;
        }

        _lastActivity = Environment.TickCount64;
        bool keepConnection = context.Request.KeepConnection;

        // Outside the send lock: cancellation callbacks run inline and may write to the response.
        context.Cancel();
        if (removed)
        {
            Release(context);
        }

        if (!keepConnection)
        {
            CloseAfterResponse();
        }
    }

    /// <summary>
    /// A streamed send failed: the web server went away. Not the handler's error: drop the rest of
    /// its output and close the connection, whose end cancels every request on it (FastCGI 1.0 §5.4).
    /// Call under the send lock.
    /// </summary>
    private void PeerGone(RequestContext context)
    {
        context.Response.Discard();
        context.Response.ClearPendingBody();
        Abort();
    }

    private RequestContext? Find(ushort id)
    {
        lock (_tableLock)
        {
            foreach (RequestContext? context in _active)
            {
                if (context is not null && context.RequestId == id && context.Phase != RequestPhase.Ended)
                {
                    return context;
                }
            }
        }

        return null;
    }

    /// <summary>Frees the request's id; true when this call removed it.</summary>
    private bool RemoveFromTable(RequestContext context)
    {
        lock (_tableLock)
        {
            for (int i = 0; i < _active.Length; i++)
            {
                if (ReferenceEquals(_active[i], context))
                {
                    _active[i] = null;
                    _activeCount--;
                    context.Phase = RequestPhase.Ended;
                    _host.EndRequest();
                    return true;
                }
            }
        }

        return false;
    }

    private void EndRequest(RequestContext context, bool handlerDone)
    {
        if (RemoveFromTable(context))
        {
            Release(context);
        }

        if (handlerDone)
        {
            Release(context);
        }
    }

    /// <summary>Drops one of the context's two holds (its id, its handler); the last returns it to the pool.</summary>
    private void Release(RequestContext context)
    {
        if (context.ReleaseHold())
        {
            _host.Pool.Return(context);
        }
    }

    private void CloseAfterResponse()
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
            _socket.Shutdown(_host.Stopping ? SocketShutdown.Both : SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            Abort();
        }
    }

    public void CheckTimeouts(long now)
    {
        if (_disposed)
        {
            return;
        }

        long silent = now - Volatile.Read(ref _lastActivity);
        RequestContext? late = null;
        bool stalled = false;
        List<string>? slow = null;
        long slowAfter = _options.SlowRequestThreshold is { } threshold ? (long)threshold.TotalMilliseconds : long.MaxValue;
        long timeout = (long)_options.RequestTimeout.TotalMilliseconds;
        bool waitingForInput = false;
        int active;
        lock (_tableLock)
        {
            active = _activeCount;
            foreach (RequestContext? context in _active)
            {
                if (context is null)
                {
                    continue;
                }

                if (context.Phase < RequestPhase.Running)
                {
                    waitingForInput = true;
                }
                else if (context.Phase == RequestPhase.Running && !context.EndSent)
                {
                    long running = now - context.StartedAt;
                    if (running > slowAfter && !context.SlowLogged)
                    {
                        // The context is in the table and running: its request is intact to read.
                        context.SlowLogged = true;
                        (slow ??= []).Add($"fastcgi: slow request: {context.Request.GetMethodString()} {context.Request.GetPathString()} running for {running / 1000.0:0.0##} s (request id {context.RequestId})");
                    }

                    if (running <= timeout)
                    {
                        continue;
                    }

                    if (!context.TimedOut)
                    {
                        if (late is null)
                        {
                            // Held for EndRunningAsync, which runs after the lock is let go. Once
                            // only: a timed-out request is never ended (nor counted) twice.
                            context.TimedOut = true;
                            late = context;
                            late.AddHold();
                        }
                    }
                    else if (running > timeout + (long)_options.ReadTimeout.TotalMilliseconds)
                    {
                        // Its END_REQUEST could not go out for a whole read timeout after the
                        // request timeout: the peer stopped reading, and a send waits on it.
                        stalled = true;
                    }
                }
            }
        }

        if (slow is not null)
        {
            foreach (string message in slow)
            {
                Interlocked.Increment(ref _host.Statistics._slowRequests);
                _host.LogError(message);
            }
        }

        if (stalled && !_closing)
        {
            _host.LogError("fastcgi: closing a connection whose web server stopped reading the response of a timed-out request");
        }

        if (stalled)
        {
            Abort();
            return;
        }

        if (late is not null)
        {
            Interlocked.Increment(ref _host.Statistics._timedOut);
            _host.LogError($"fastcgi: request {late.RequestId} ran past the {_options.RequestTimeout.TotalSeconds:0.###} s request timeout; answering 504");
            _ = EndRunningAsync(late, timedOut: true);
        }

        waitingForInput |= _midRecord;
        if ((_closing && silent > 5000) ||
            (active == 0 && silent > (long)_options.IdleTimeout.TotalMilliseconds) ||
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
        if (Volatile.Read(ref _activeCount) == 0 && _receivedAny)
        {
            Abort();
        }
    }

    public void Abort()
    {
        _closing = true;
        try
        {
            _socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs once when the receive loop ends: every active request is aborted as by ABORT_REQUEST (FastCGI 1.0 §5.4).</summary>
    private async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return;
        }

        _closing = true;
        List<(RequestContext Context, bool Running)> orphans = [];
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            lock (_tableLock)
            {
                // Take every request out of the table here, under the lock, keeping the table's
                // hold: a handler that finishes meanwhile then cannot return its context to the
                // pool (to be reused by another connection) before it is cancelled below.
                for (int i = 0; i < _active.Length; i++)
                {
                    if (_active[i] is { } context)
                    {
                        context.EndSent = true;
                        context.Response.Discard();
                        orphans.Add((context, context.Phase == RequestPhase.Running));
                        _active[i] = null;
                        _activeCount--;
                        context.Phase = RequestPhase.Ended;
                        _host.EndRequest();
                    }
                }
            }

            _send.Release();
            _headerScratch.Release();
        }
        finally
        {
            _sendLock.Release();
        }

        foreach ((RequestContext context, bool running) in orphans)
        {
            Interlocked.Increment(ref _host.Statistics._aborted);
            context.Cancel();
            Release(context);
            if (!running)
            {
                // The handler never ran: its hold goes too.
                Release(context);
            }
        }

        _control.Release();
        _management.Release();
        _socket.Dispose();
        _host.RemoveConnection(this);
        _completion.TrySetResult();
    }
}
