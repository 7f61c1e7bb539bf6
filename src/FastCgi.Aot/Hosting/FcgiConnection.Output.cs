using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Hosting;

/// <summary>Everything that goes to the web server: framing answers as records and sending them under the send lock.</summary>
internal sealed partial class FcgiConnection<TApp>
{
    /// <summary>
    /// Sends the control records and the answers of requests that completed synchronously, in one
    /// send. Runs on the receive loop, as the connection's shutdown does, so never after it.
    /// </summary>
    private async ValueTask SendReadyAsync()
    {
        bool closeAfter = false;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
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
            foreach (RequestContext context in _ready)
            {
                if (context.OwesTableRelease)
                {
                    // Taken out of the table for this send, which the closed connection refused.
                    Interlocked.Increment(ref _host.Statistics._aborted);
                }
            }
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
            int sent = await _transport.SendAsync(data).ConfigureAwait(false);
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
}
