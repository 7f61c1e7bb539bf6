using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Http;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Connections;

/// <summary>
/// The request table of one connection and the state machine of every request on it: this type
/// makes every move of <see cref="RequestState"/>, and <see cref="End"/> is the one place a request
/// ends. Where does a request end? Here.
/// </summary>
/// <remarks>
/// <para>A request's life: <see cref="Begin"/> (BEGIN_REQUEST) puts it in the table; its PARAMS,
/// STDIN and DATA records arrive through <see cref="ReceiveStream"/>; when PARAMS end the
/// application's <see cref="IFcgiApplication.Match"/> picks the endpoint, whose limits apply to
/// the body; when the input is complete its handler runs inline on the I/O thread, or on a worker
/// thread for a <c>Blocking</c> endpoint. It ends once, through <see cref="End"/>, for one of the
/// reasons in <see cref="EndReason"/>: its handler finished, the web server aborted it, it ran
/// past its time, its handler failed after output went out, or the connection went away.</para>
/// <para>Ending is two steps. Deciding, under the table lock: the request leaves the table (its id
/// is free: nginx reuses id 1 at once) and whoever removed it owns the end. Delivering, under the
/// send lock: its answer is framed and sent (or, for a request cut off, nothing is), then the
/// after hook runs and the connection's hold on the context is let go. The receive loop defers
/// delivery to the end of the bytes it is processing, so that a request that completes inline
/// leaves in the same send as the records before it.</para>
/// <para>Output of a request that ended is dropped: its response is discarded when the end is
/// decided, and a flush checks the state under the send lock.</para>
/// </remarks>
internal sealed class RequestTable<TApp> : IRequestOwner, IBlockingWork
    where TApp : IFcgiApplication
{
    private readonly FcgiConnection<TApp> _connection;
    private readonly FcgiHostState _host;
    private readonly FcgiServerOptions _options;
    private readonly OutputProducer _output;
    private readonly object _lock = new();
    private readonly RequestContext?[] _active;
    private int _activeCount;

    // The request whose input the receive loop is reading (its handler not started yet), so
    // that its PARAMS and STDIN records skip the table lock: three lock round trips of a
    // request's ten, measured 2026-11 as about 5% of app CPU for all Monitor.Enter/Exit. Only
    // the receive loop reads or writes it and only the receive loop moves a request out of the
    // input states, so while it is set it is in the table.
    private RequestContext? _receiving;

    // Requests the receive loop ended and will deliver at its next flush. Receive loop only.
    private readonly List<RequestContext> _ready = [];

    // A spool write the receive loop must await before it reads on. Receive loop only.
    private ValueTask _pendingInput;

    // The request whose handler runs inline on the I/O thread right now, for the watchdog.
    private volatile RequestContext? _inline;

    // A request was cut off, or came without FCGI_KEEP_CONN: no new request is taken, and the
    // connection closes when the last one in flight was answered.
    private volatile bool _draining;

    // Requests that ended and whose end is not delivered yet (deferred by the receive loop, or
    // waiting for the send lock): the connection must not close under them.
    private int _undelivered;

    public RequestTable(FcgiConnection<TApp> connection, FcgiHostState host, OutputProducer output)
    {
        _connection = connection;
        _host = host;
        _options = host.Options;
        _output = output;
        _active = new RequestContext?[_options.MaxRequestsPerConnection];
    }

    /// <summary>The requests in the table now.</summary>
    public int ActiveCount => Volatile.Read(ref _activeCount);

    /// <summary>True once the connection stopped taking requests (a request cut off, or one without FCGI_KEEP_CONN).</summary>
    public bool Draining => _draining;

    /// <summary>True when a request on the connection waits for more input (the read timeout applies).</summary>
    public bool WaitingForInput
    {
        get
        {
            lock (_lock)
            {
                foreach (RequestContext? context in _active)
                {
                    if (context is not null && context.State < RequestState.Running)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Input: BEGIN_REQUEST, PARAMS, STDIN, DATA (the receive loop)
    // ---------------------------------------------------------------------------------------

    /// <summary>BEGIN_REQUEST: takes the request, or refuses it with END_REQUEST at once.</summary>
    /// <returns>False when the connection must close (an id already in use).</returns>
    public bool Begin(ushort id, FcgiRole role, bool keepConnection, bool overloaded)
    {
        // Only the receive loop adds to the table (others only remove), so a count of zero
        // means no id is in use and the lock can be skipped: nginx's keep-alive connections
        // send their next request only after the previous one left the table.
        if (Volatile.Read(ref _activeCount) != 0 && Find(id) is not null)
        {
            _host.LogVerbose($"fastcgi: closing a connection that sent BEGIN_REQUEST for active request id {id}");
            return false;
        }

        if (role is not (FcgiRole.Responder or FcgiRole.Authorizer or FcgiRole.Filter) || !TApp.AcceptsRole(role))
        {
            // FastCGI 1.0 §5.1: a role the application does not play ends the request at once,
            // and the connection goes on (libfcgi drops the connection here).
            _output.AppendRefusal(id, FcgiProtocolStatus.UnknownRole);
            return true;
        }

        // Past the connection limit, or draining after a failure mid-response: the web server
        // learns why and tries another connection. (While the server stops, a connection that
        // is still open serves what arrives on it: a refusal would reach nginx's client as a 502.)
        if (overloaded || _draining)
        {
            Refuse(id, FcgiProtocolStatus.Overloaded);
            return true;
        }

        if (Volatile.Read(ref _activeCount) >= _active.Length)
        {
            Refuse(id, _active.Length == 1 ? FcgiProtocolStatus.CantMultiplexConnection : FcgiProtocolStatus.Overloaded);
            return true;
        }

        if (!_host.TryStartRequest())
        {
            Refuse(id, FcgiProtocolStatus.Overloaded);
            return true;
        }

        RequestContext context = _host.Pool.Rent();
        context.Begin(this, id, role, keepConnection);
        if (TApp.ObservesCompletedRequests)
        {
            context.BeganAt = Stopwatch.GetTimestamp();
        }

        lock (_lock)
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

        _receiving = context;
        return true;
    }

    private void Refuse(ushort id, FcgiProtocolStatus status)
    {
        Interlocked.Increment(ref _host.Statistics._refusedOverloaded);
        _output.AppendRefusal(id, status);
    }

    /// <summary>A PARAMS, STDIN or DATA record (or a part of one).</summary>
    /// <returns>What the receive loop does next: go on, close the connection (malformed PARAMS), or await <see cref="TakePendingInput"/> first.</returns>
    public InputStep ReceiveStream(FcgiRecordFragment fragment)
    {
        FcgiRecordHeader header = fragment.Header;
        RequestContext? context = _receiving is { } receiving && receiving.RequestId == header.RequestId
            ? receiving
            : Find(header.RequestId);
        if (context is null)
        {
            // FastCGI 1.0 §3.3: records for inactive ids are ignored (the tail of a refused or
            // ended request, typically).
            return InputStep.Continue;
        }

        bool endOfStream = header.ContentLength == 0;
        FcgiRequest request = context.Request;
        switch (header.Type)
        {
            case FcgiRecordType.Params when context.State == RequestState.Params:
                if (!endOfStream)
                {
                    if (context.Rejection == 0 && !request.TryAppendParams(fragment.Content, _options.MaxParamsBytes))
                    {
                        // Stop buffering but keep reading: PARAMS must be read whole before output (§3.3).
                        context.Rejection = 431;
                    }

                    return InputStep.Continue;
                }

                return CompleteParams(context);

            case FcgiRecordType.Stdin when context.State == RequestState.Stdin:
                if (!endOfStream)
                {
                    return request.BodyLength + fragment.Content.Length > BodyLimit(context)
                        ? Reject(context, 413)
                        : Appended(context, request.AppendBody(fragment.Content));
                }

                return InputEnded(context, stdin: true);

            case FcgiRecordType.Data when context.State == RequestState.Data:
                if (!endOfStream)
                {
                    return request.DataLength + fragment.Content.Length > BodyLimit(context)
                        ? Reject(context, 413)
                        : Appended(context, request.AppendData(fragment.Content));
                }

                return InputEnded(context, stdin: false);

            default:
                // A stream record out of order for this request (STDIN before PARAMS ended, DATA
                // for a Responder): ignore it rather than guess.
                return InputStep.Continue;
        }
    }

    /// <summary>The write of a spooled body the receive loop must await before it reads on (back-pressure from the disk).</summary>
    public ValueTask TakePendingInput()
    {
        ValueTask pending = _pendingInput;
        _pendingInput = default;
        return pending;
    }

    private InputStep Appended(RequestContext context, FormStatus status)
    {
        switch (status)
        {
            case FormStatus.Ok:
                return InputStep.Continue;
            case FormStatus.FlushNeeded:
                _pendingInput = FlushInputAsync(context, thenEnd: false, stdin: false);
                return InputStep.Await;
            default:
                return RejectForm(context, status);
        }
    }

    /// <summary>STDIN (or, for a Filter, DATA) ended: write what waits for a file, check the form, run the handler.</summary>
    private InputStep InputEnded(RequestContext context, bool stdin)
    {
        if (context.Request.HasPendingWrites)
        {
            _pendingInput = FlushInputAsync(context, thenEnd: true, stdin);
            return InputStep.Await;
        }

        FinishInput(context, stdin);
        return InputStep.Continue;
    }

    private async ValueTask FlushInputAsync(RequestContext context, bool thenEnd, bool stdin)
    {
        try
        {
            await context.Request.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _host.LogError($"fastcgi: cannot keep a {context.Request.BodyLength + context.Request.DataLength}-byte body in '{_host.Spool.Directory}' (--temp-dir): {exception.Message}");
            Reject(context, 507);
            return;
        }

        if (thenEnd)
        {
            FinishInput(context, stdin);
        }
    }

    private void FinishInput(RequestContext context, bool stdin)
    {
        FormStatus form = context.Request.CompleteBody();
        if (form != FormStatus.Ok)
        {
            RejectForm(context, form);
        }
        else if (stdin && context.Request.Role == FcgiRole.Filter)
        {
            context.State = RequestState.Data;
        }
        else
        {
            StartHandler(context);
        }
    }

    private InputStep RejectForm(RequestContext context, FormStatus status)
    {
        FcgiHttpException failure = FcgiRequest.FormFailure(status);
        if (status == FormStatus.SpoolFull)
        {
            _host.LogError($"fastcgi: refusing an upload: the temporary files hold --max-spool-bytes ({_options.MaxSpoolBytes} bytes) already");
        }

        return Reject(context, failure.StatusCode, failure.Message);
    }

    private InputStep CompleteParams(RequestContext context)
    {
        if (context.Rejection != 0)
        {
            return Reject(context, context.Rejection);
        }

        FcgiNameValueStatus status = context.Request.CompleteParams();
        if (status != FcgiNameValueStatus.End)
        {
            _host.LogVerbose($"fastcgi: closing a connection that sent malformed PARAMS ({status})");
            return InputStep.Close;
        }

        FcgiRequest request = context.Request;
        request.Endpoint = TApp.Match(request);
        if (!request.BeginBody(_host.Spool, _options.MaxFormFields, request.Endpoint?.FormReader))
        {
            return Reject(context, 400, "The multipart body's Content-Type has no valid boundary.");
        }

        if (request.Role == FcgiRole.Authorizer)
        {
            // An Authorizer request carries no body (FastCGI 1.0 §6.3).
            StartHandler(context);
        }
        else if (request.ContentLength is long length && length > BodyLimit(context))
        {
            return Reject(context, 413);
        }
        else
        {
            context.State = RequestState.Stdin;
        }

        return InputStep.Continue;
    }

    /// <summary>The body (and DATA) limit of the request: its endpoint's, or the server's.</summary>
    private long BodyLimit(RequestContext context) =>
        context.Request.Endpoint is { MaxBodyBytes: >= 0 } endpoint ? endpoint.MaxBodyBytes : _options.MaxBodyBytes;

    /// <summary>Answers a request with an error status instead of running its handler.</summary>
    private InputStep Reject(RequestContext context, int statusCode, string? message = null)
    {
        switch (statusCode)
        {
            case 413:
                Interlocked.Increment(ref _host.Statistics._refusedBodyTooLarge);
                break;
            case 431:
                Interlocked.Increment(ref _host.Statistics._refusedParamsTooLarge);
                break;
        }

        StartResponse(context);
        ServerAnswers.Write(context.Response, statusCode, message);
        context.State = RequestState.Running;
        _receiving = null;
        End(context, EndReason.Completed, fromReceiveLoop: true);
        return InputStep.Continue;
    }

    private void StartResponse(RequestContext context)
    {
        FcgiRequest request = context.Request;
        FcgiResponse response = context.Response;
        response.Start(context, request.RequestId, suppressBody: request.Method.SequenceEqual("HEAD"u8), _options.ResponseBufferSize);
        response.MaxBufferedBytes = _options.MaxResponseBufferBytes;
    }

    // ---------------------------------------------------------------------------------------
    // Running the handler
    // ---------------------------------------------------------------------------------------

    /// <summary>The input is complete: answer from the server's own pages, queue for a worker, or run inline.</summary>
    private void StartHandler(RequestContext context)
    {
        context.State = RequestState.Running;
        _receiving = null;
        context.StartedAt = Environment.TickCount64;
        StartResponse(context);
        FcgiRequest request = context.Request;
        if (_host.StatusPage is { } statusPage && statusPage.TryServe(request, context.Response))
        {
            // Answered by the server itself (--status-path, --ping-path), before the application.
            End(context, EndReason.Completed, fromReceiveLoop: true);
            return;
        }

        if (request.Endpoint is { Blocking: true })
        {
            context.HandlerStarted = true;
            if (!_host.Workers.TryQueue(this, context))
            {
                context.HandlerStarted = false;
                ServerAnswers.Write(context.Response, 503, "Service Unavailable: every blocking worker is busy and the queue is full.");
                End(context, EndReason.Completed, fromReceiveLoop: true);
            }

            return;
        }

        RunHandler(context, inline: true);
    }

    void IBlockingWork.RunOnWorker(RequestContext context)
    {
        if (context.IsEnded)
        {
            // Timed out, aborted or orphaned while it waited: the handler never runs.
            HandlerReturned(context, exception: null, fromReceiveLoop: false);
            return;
        }

        RunHandler(context, inline: false);
    }

    private void RunHandler(RequestContext context, bool inline)
    {
        context.HandlerStarted = true;
        ValueTask task;
        if (inline)
        {
            _inline = context;
        }

        try
        {
            task = TApp.HandleAsync(context.Request, context.Response);
        }
        catch (Exception exception)
        {
            _inline = null;
            HandlerReturned(context, exception, fromReceiveLoop: inline);
            return;
        }

        _inline = null;
        if (!task.IsCompleted)
        {
            _ = AwaitHandlerAsync(context, task);
            return;
        }

        Exception? failure = null;
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        HandlerReturned(context, failure, fromReceiveLoop: inline);
    }

    private async Task AwaitHandlerAsync(RequestContext context, ValueTask task)
    {
        Exception? failure = null;
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        HandlerReturned(context, failure, fromReceiveLoop: false);
    }

    /// <summary>The handler returned (or threw, or never ran): end the request if nothing else did, then let the handler's hold go.</summary>
    private void HandlerReturned(RequestContext context, Exception? exception, bool fromReceiveLoop)
    {
        EndReason reason = EndReason.Completed;
        if (exception is not null)
        {
            reason = HandlerFailed(context, exception);
        }
        else if (context.Response.ContentLengthMismatch && !context.IsEnded)
        {
            reason = HandlerFailed(context, new InvalidOperationException(
                $"The handler set Content-Length: {context.Response.ContentLength} but wrote {context.Response.BodyLength} body bytes."));
        }

        End(context, reason, fromReceiveLoop);
        if (context.Release())
        {
            _host.Pool.Return(context);
        }
    }

    /// <summary>Logs a handler's failure and turns the response into a 500, or, once output went out, into a response to cut off.</summary>
    private EndReason HandlerFailed(RequestContext context, Exception exception)
    {
        FcgiRequest request = context.Request;
        FcgiResponse response = context.Response;
        if (exception is OperationCanceledException && request.Aborted.IsCancellationRequested)
        {
            // The handler honoured the abort or the timeout that already ended the request.
            return EndReason.Completed;
        }

        if (context.IsEnded)
        {
            // Ended before it failed (a timeout): its failure is still worth a line in the log.
            _host.LogError($"fastcgi: exception in {request.GetMethodString()} {request.GetPathString()} after the request ended: {exception}");
            return EndReason.Completed;
        }

        if (exception is FcgiHttpException answer && !response.HeadersSent)
        {
            // The handler's own error answer (or the request's, for a form it could not read).
            _host.LogVerbose($"fastcgi: {request.GetMethodString()} {request.GetPathString()} answered {answer.StatusCode}: {answer.Message}");
            response.ResetForError();
            ServerAnswers.Write(response, answer.StatusCode, answer.Message);
            return EndReason.Completed;
        }

        Interlocked.Increment(ref _host.Statistics._handlerErrors);
        string message = $"fastcgi: unhandled exception in {request.GetMethodString()} {request.GetPathString()}: {exception}";
        _host.LogError(message);
        if (response.HeadersSent)
        {
            // FastCGI has no trailer to say "this failed": the web server must see the response
            // cut off, or a truncated download would look complete.
            return EndReason.Truncated;
        }

        response.ResetForError();
        ServerAnswers.Write(response, 500);
        response.WriteError(message);
        return EndReason.Completed;
    }

    // ---------------------------------------------------------------------------------------
    // Ending
    // ---------------------------------------------------------------------------------------

    /// <summary>
    /// Ends a request, once: takes it out of the table and delivers its end. From the receive
    /// loop the delivery waits for <see cref="FlushReadyAsync"/>; from any other thread it
    /// starts now. A request that already ended is left alone.
    /// </summary>
    public void End(RequestContext context, EndReason reason, bool fromReceiveLoop)
    {
        if (!TryRemove(context, reason))
        {
            return;
        }

        if (fromReceiveLoop)
        {
            _ready.Add(context);
            return;
        }

        _ = DeliverAsync(context);
    }

    /// <summary>Takes the request out of the table, deciding its end; false when it had ended already.</summary>
    private bool TryRemove(RequestContext context, EndReason reason)
    {
        lock (_lock)
        {
            int index = Array.IndexOf(_active, context);
            if (index < 0 || context.IsEnded)
            {
                return false;
            }

            _active[index] = null;
            _activeCount--;
            Interlocked.Increment(ref _undelivered);
            context.EndReason = reason;
            context.State = RequestState.Ended;
            context.MarkEnded();
        }

        if (ReferenceEquals(_receiving, context))
        {
            _receiving = null;
        }

        if (reason != EndReason.Completed)
        {
            // From here the handler's output goes nowhere.
            context.Response.Discard();
        }

        _host.EndRequest();
        return true;
    }

    /// <summary>Delivers the requests the receive loop ended, with the control records, in one go.</summary>
    public async ValueTask FlushReadyAsync()
    {
        if (_ready.Count == 0 && !_output.HasControl)
        {
            return;
        }

        await _output.WaitAsync().ConfigureAwait(false);
        bool failed = false;
        try
        {
            await _output.SendControlAsync().ConfigureAwait(false);
            foreach (RequestContext context in _ready)
            {
                await FrameAndSendAsync(context).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            failed = true;
            LogDeliveryFailure(exception);
        }
        finally
        {
            _output.Release();
        }

        foreach (RequestContext context in _ready)
        {
            Delivered(context, failed);
        }

        _ready.Clear();
    }

    private async Task DeliverAsync(RequestContext context)
    {
        bool failed = false;
        await _output.WaitAsync().ConfigureAwait(false);
        try
        {
            await FrameAndSendAsync(context).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            failed = true;
            LogDeliveryFailure(exception);
        }
        finally
        {
            _output.Release();
        }

        Delivered(context, failed);
    }

    /// <summary>
    /// A closed connection is the web server's doing; anything else that fails a delivery (an
    /// answer too large to frame) is logged. Either way the connection closes and the request
    /// still ends, so that nothing waits for it.
    /// </summary>
    private void LogDeliveryFailure(Exception exception)
    {
        if (exception is not (SocketException or ObjectDisposedException))
        {
            _host.LogError($"fastcgi: could not send an answer, closing the connection: {exception}");
        }
    }

    /// <summary>What an ended request sends, by how it ended. Under the send lock.</summary>
    private ValueTask FrameAndSendAsync(RequestContext context)
    {
        FcgiResponse response = context.Response;
        ushort id = context.RequestId;
        switch (context.EndReason)
        {
            case EndReason.Completed:
                _output.FrameFinal(response, id);
                return _output.SendFramedAsync(response);

            case EndReason.Aborted:
                _output.AppendAbortedEnd(id);
                return _output.SendControlAsync();

            case EndReason.TimedOut when !response.HeadersSent:
                // The handler may still be writing to its response: the 504 is framed apart.
                FcgiResponse answer = _output.RentAnswer(id);
                ServerAnswers.Write(answer, 504);
                _output.FrameFinal(answer, id);
                response.AddBytesSent(answer.BytesSent);
                return _output.SendFramedAsync(answer);

            default:
                // Cut off (a failure or a timeout after output went out), or the connection is
                // gone: no END_REQUEST. The connection closes once nothing else is in flight.
                return default;
        }
    }

    /// <summary>After the end went out (or could not): the after hook, the connection's hold, and whether the connection closes.</summary>
    private void Delivered(RequestContext context, bool sendFailed)
    {
        // Read everything first: once both holds are let go the context may already serve
        // another request on another connection.
        EndReason reason = context.EndReason;
        bool keepConnection = context.Request.KeepConnection;
        bool handlerStarted = context.HandlerStarted;
        bool cutOff = reason == EndReason.Truncated || (reason == EndReason.TimedOut && context.Response.HeadersSent);
        if (sendFailed && reason != EndReason.ConnectionClosed)
        {
            // Its answer could not reach a web server that closed the connection.
            Interlocked.Increment(ref _host.Statistics._aborted);
            _connection.Abort();
        }

        _connection.NoteActivity();
        if (reason != EndReason.Completed)
        {
            // Outside the send lock: cancellation callbacks run inline and may write to the response.
            context.Cancel();
        }

        if (TApp.ObservesCompletedRequests)
        {
            ReportCompleted(context, sendFailed);
        }

        if (!handlerStarted)
        {
            // The handler never ran: its hold goes too.
            context.Release();
        }

        if (context.Release())
        {
            _host.Pool.Return(context);
        }

        if (cutOff || !keepConnection)
        {
            // Without FCGI_KEEP_CONN the connection closes after this request (FastCGI 1.0
            // §5.1); a request cut off gets no END_REQUEST, and the web server sees its response
            // end when the connection closes. Either way the connection takes no new request and
            // closes once the others in flight on it have been answered.
            _draining = true;
        }

        Interlocked.Decrement(ref _undelivered);
        CloseIfDrained();
    }

    /// <summary>
    /// Closes a draining (or stopping) connection once no request is left on it and every end
    /// was delivered. Called after every delivery, so whichever comes last closes it.
    /// </summary>
    private void CloseIfDrained()
    {
        if ((_draining || _host.Stopping) && Volatile.Read(ref _activeCount) == 0 && Volatile.Read(ref _undelivered) == 0)
        {
            _connection.CloseAfterResponse();
        }
    }

    private static void ReportCompleted(RequestContext context, bool sendFailed)
    {
        FcgiResponse response = context.Response;
        FcgiRequestOutcome outcome = sendFailed ? FcgiRequestOutcome.Aborted : context.EndReason switch
        {
            EndReason.Completed => FcgiRequestOutcome.Completed,
            EndReason.TimedOut => FcgiRequestOutcome.TimedOut,
            EndReason.Truncated => FcgiRequestOutcome.Truncated,
            _ => FcgiRequestOutcome.Aborted,
        };
        int status = context.EndReason == EndReason.TimedOut && !response.HeadersSent ? 504 : response.StatusCode;
        var summary = new FcgiRequestSummary(status, outcome, Stopwatch.GetElapsedTime(context.BeganAt), response.BytesSent, context.Request.Endpoint);
        try
        {
            TApp.OnRequestCompleted(context.Request, in summary);
        }
        catch (Exception)
        {
            // The hook must not throw (its documentation says so); one that does must not take
            // the connection down with it.
        }
    }

    // ---------------------------------------------------------------------------------------
    // Abort, timeouts, the connection's end
    // ---------------------------------------------------------------------------------------

    /// <summary>ABORT_REQUEST (FastCGI 1.0 §5.4): end the request now; its handler is cancelled and its output dropped.</summary>
    public void Abort(ushort id)
    {
        RequestContext? context = Find(id);
        if (context is null)
        {
            // FastCGI 1.0 §3.3: records for inactive ids are ignored.
            return;
        }

        Interlocked.Increment(ref _host.Statistics._aborted);
        End(context, EndReason.Aborted, fromReceiveLoop: true);
    }

    /// <summary>Ends requests past the request timeout and names slow ones and handlers that hold an I/O thread. Runs on the host's timer.</summary>
    public void CheckTimeouts(long now)
    {
        long slowAfter = _options.SlowRequestThreshold is { } threshold ? (long)threshold.TotalMilliseconds : long.MaxValue;
        long timeout = (long)_options.RequestTimeout.TotalMilliseconds;
        List<RequestContext>? late = null;
        List<string>? messages = null;
        lock (_lock)
        {
            foreach (RequestContext? context in _active)
            {
                if (context is null || context.State != RequestState.Running)
                {
                    continue;
                }

                long running = now - context.StartedAt;
                if (running > slowAfter && !context.SlowLogged)
                {
                    // In the table and running: its request is intact to read.
                    context.SlowLogged = true;
                    Interlocked.Increment(ref _host.Statistics._slowRequests);
                    (messages ??= []).Add($"fastcgi: slow request: {Describe(context)} running for {running / 1000.0:0.0##} s (request id {context.RequestId})");
                }

                if (running > timeout && !context.TimedOut)
                {
                    context.TimedOut = true;
                    (late ??= []).Add(context);
                }
            }
        }

        if (_inline is { } inline && _options.IoStallWarning is { } stall && !inline.StallLogged && now - inline.StartedAt > (long)stall.TotalMilliseconds)
        {
            inline.StallLogged = true;
            Interlocked.Increment(ref _host.Statistics._ioStalls);
            (messages ??= []).Add(
                $"fastcgi: {Describe(inline)} has held an I/O thread for {now - inline.StartedAt} ms: every connection on that thread waits for it. " +
                "Mark the handler Blocking = true (it then runs on a worker thread), or await its slow calls.");
        }

        if (messages is not null)
        {
            foreach (string message in messages)
            {
                _host.LogError(message);
            }
        }

        if (late is not null)
        {
            foreach (RequestContext context in late)
            {
                Interlocked.Increment(ref _host.Statistics._timedOut);
                _host.LogError($"fastcgi: {Describe(context)} (request id {context.RequestId}) ran past the {_options.RequestTimeout.TotalSeconds:0.###} s request timeout; answering 504");
                End(context, EndReason.TimedOut, fromReceiveLoop: false);
            }
        }
    }

    private static string Describe(RequestContext context) =>
        context.Request.Endpoint is { IsHandler: true } endpoint
            ? endpoint.DisplayName
            : $"{context.Request.GetMethodString()} {context.Request.GetPathString()}";

    /// <summary>The connection is gone (its receive loop ended): every request still in the table ends with it (FastCGI 1.0 §5.4).</summary>
    public void EndAll()
    {
        _receiving = null;
        List<RequestContext> orphans = [];
        lock (_lock)
        {
            foreach (RequestContext? context in _active)
            {
                if (context is not null)
                {
                    orphans.Add(context);
                }
            }
        }

        foreach (RequestContext context in orphans)
        {
            if (TryRemove(context, EndReason.ConnectionClosed))
            {
                Interlocked.Increment(ref _host.Statistics._aborted);
                Delivered(context, sendFailed: false);
            }
        }

        // Requests the receive loop ended but could not deliver before the connection went.
        foreach (RequestContext context in _ready)
        {
            Delivered(context, sendFailed: true);
        }

        _ready.Clear();
    }

    // ---------------------------------------------------------------------------------------
    // Streaming output
    // ---------------------------------------------------------------------------------------

    async ValueTask IRequestOwner.FlushResponseAsync(RequestContext context, CancellationToken cancellationToken)
    {
        await _output.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            FcgiResponse response = context.Response;
            if (context.IsEnded || response.IsDiscarded || _output.Closed)
            {
                response.Stdout.Consume();
                return;
            }

            _output.FramePartial(response, context.RequestId);
            await _output.SendFramedAsync(response).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // The web server went away. Not the handler's error: drop the rest of its output and
            // close the connection, whose end cancels every request on it (FastCGI 1.0 §5.4).
            context.Response.Discard();
            _connection.Abort();
        }
        finally
        {
            _output.Release();
        }
    }

    private RequestContext? Find(ushort id)
    {
        lock (_lock)
        {
            foreach (RequestContext? context in _active)
            {
                if (context is not null && context.RequestId == id)
                {
                    return context;
                }
            }
        }

        return null;
    }
}

/// <summary>What the receive loop does after a request's input record.</summary>
internal enum InputStep
{
    /// <summary>Read the next record.</summary>
    Continue,

    /// <summary>Close the connection: the peer broke the protocol.</summary>
    Close,

    /// <summary>Await <see cref="RequestTable{TApp}.TakePendingInput"/> first (a body's bytes going to disk).</summary>
    Await,
}
