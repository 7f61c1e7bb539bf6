using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Hosting;

/// <summary>A request's life after its input: running the handler, ending it early (abort, timeout), the request table.</summary>
internal sealed partial class FcgiConnection<TApp>
{
    private void StartHandler(RequestContext context)
    {
        context.Phase = RequestPhase.Running;
        _receiving = null;
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
            if (removed)
            {
                // Out of the table, so the connection's shutdown will not count it: its answer
                // could not reach a web server that closed the connection.
                Interlocked.Increment(ref _host.Statistics._aborted);
            }
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

    /// <summary>Drops one of the context's two holds (its id, its handler); the last returns it to the pool.</summary>
    private void Release(RequestContext context)
    {
        if (context.ReleaseHold())
        {
            _host.Pool.Return(context);
        }
    }
}
