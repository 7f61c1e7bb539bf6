using System;
using System.Threading;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Hosting;

/// <summary>The record handlers: management records, BEGIN_REQUEST, ABORT_REQUEST and the input streams.</summary>
internal sealed partial class FcgiConnection<TApp>
{
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

        // Only the receive loop adds to the table (others only remove), so a count of zero
        // means no id is in use and the lock can be skipped: nginx's keep-alive connections
        // send their next request only after the previous one left the table.
        if (Volatile.Read(ref _activeCount) != 0 && Find(id) is not null)
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

        _receiving = context;
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
        _receiving = null;
        Release(context);
        _ready.Add(context);
        return null;
    }

    private RecordOutcome HandleStream(FcgiRecordFragment fragment)
    {
        FcgiRecordHeader header = fragment.Header;
        RequestContext? context = _receiving is { } receiving && receiving.RequestId == header.RequestId && receiving.Phase < RequestPhase.Running
            ? receiving
            : Find(header.RequestId);
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
        _receiving = null;
        Release(context);
        _ready.Add(context);
    }
}
