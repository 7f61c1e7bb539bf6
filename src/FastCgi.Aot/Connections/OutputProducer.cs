using System;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Transport;

namespace FastCgi.Aot.Connections;

/// <summary>
/// Everything a connection sends: it frames answers as records and hands them to the transport,
/// one sender at a time, so that records of different requests never interleave inside a record.
/// </summary>
/// <remarks>
/// <para>A response's body is already framed in place by its <see cref="FcgiStreamFramer"/>; this
/// puts the CGI header block in front of it (in the gap the response reserved), closes the last
/// record and appends the ends of the streams and END_REQUEST, then sends the whole answer from
/// that one buffer: one copy of the body in user space, one send for a small response.</para>
/// <para>Records that belong to no response (management replies, refusals at BEGIN_REQUEST, the
/// end of an aborted request) collect in a control buffer sent before the next answer.</para>
/// <para>Every member but <see cref="WaitAsync"/> is called with the send lock held. The control
/// buffer is written and sent by the receive loop only, which alone produces control records, so
/// it needs no lock of its own: a record appended while another thread sends waits for the
/// receive loop's next flush.</para>
/// </remarks>
internal sealed class OutputProducer(ConnectionTransport transport)
{
    private const uint AppStatusOk = 0;
    private const uint AppStatusFailed = 1;

    private readonly SemaphoreSlim _lock = new(1, 1);
    private GrowableBuffer _control = new();
    private GrowableBuffer _headerRecord = new();
    private FcgiResponse? _answer;

    // When the send in progress began, in Environment.TickCount64 milliseconds; 0 when none is.
    private long _sendingSince;

    /// <summary>True once the connection is gone: nothing more is sent.</summary>
    public bool Closed { get; set; }

    /// <summary>How long the send in progress has waited for the web server, in milliseconds; 0 when none waits.</summary>
    public long SendWaitingFor(long now) => Volatile.Read(ref _sendingSince) is long since and not 0 ? now - since : 0;

    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        Task wait = _lock.WaitAsync(cancellationToken);
        return wait.IsCompletedSuccessfully ? default : new ValueTask(wait);
    }

    public void Release() => _lock.Release();

    /// <summary>True when control records wait to be sent.</summary>
    public bool HasControl => _control.Length > 0;

    /// <summary>Room for a control record of <paramref name="length"/> bytes; commit it with <see cref="AdvanceControl"/>.</summary>
    public Span<byte> GetControlSpan(int length) => _control.GetSpan(length);

    /// <summary>Commits a control record written into <see cref="GetControlSpan"/>.</summary>
    public void AdvanceControl(int length) => _control.Advance(length);

    /// <summary>An END_REQUEST for a request refused at BEGIN_REQUEST (FCGI_OVERLOADED, FCGI_UNKNOWN_ROLE …).</summary>
    public void AppendRefusal(ushort requestId, FcgiProtocolStatus status)
    {
        Span<byte> record = _control.GetSpan(FcgiConstants.FixedBodyRecordLength);
        _control.Advance(FcgiRecordWriter.WriteEndRequest(record, requestId, AppStatusOk, status));
    }

    /// <summary>The end of an aborted request (FastCGI 1.0 §5.4): the end of STDOUT and END_REQUEST, with a failure status.</summary>
    public void AppendAbortedEnd(ushort requestId)
    {
        Span<byte> records = _control.GetSpan(FcgiConstants.HeaderLength + FcgiConstants.FixedBodyRecordLength);
        int length = FcgiRecordWriter.WriteEndOfStream(records, FcgiRecordType.Stdout, requestId);
        length += FcgiRecordWriter.WriteEndRequest(records.Slice(length), requestId, AppStatusFailed, FcgiProtocolStatus.RequestComplete);
        _control.Advance(length);
    }

    /// <summary>
    /// A response object for an answer the server makes while the request's own response may still
    /// be written to by its handler (the 504 of a request past its timeout). Reused; send it with
    /// <see cref="FrameFinal"/> and <see cref="SendFramedAsync"/> before the lock is let go.
    /// </summary>
    public FcgiResponse RentAnswer(ushort requestId)
    {
        FcgiResponse answer = _answer ??= new FcgiResponse();
        answer.Clear();
        answer.Start(sink: null, requestId, suppressBody: false, streamThreshold: int.MaxValue);
        return answer;
    }

    /// <summary>
    /// Frames the rest of <paramref name="response"/> for the last time: the header block (unless
    /// it was sent), the last body record, STDERR, the ends of the streams and END_REQUEST.
    /// </summary>
    public void FrameFinal(FcgiResponse response, ushort requestId)
    {
        ref FcgiStreamFramer stdout = ref response.Stdout;
        if (!response.HeadersSent)
        {
            PutHeaderBlockInFront(response, requestId, complete: true);
        }

        stdout.CloseRecord();
        response.AddBytesSent(stdout.ContentLength);
        if (!response.Stderr.IsEmpty)
        {
            response.Stderr.CloseRecord();
            stdout.AppendRecords(response.Stderr.Framed.Span);
            response.Stderr.Consume();
            response.Stderr.AppendEndOfStream();
            stdout.AppendRecords(response.Stderr.Framed.Span);
            response.Stderr.Consume();
        }

        stdout.AppendEndOfStream();
        stdout.AppendEndRequest(response.StatusCode >= 500 ? AppStatusFailed : AppStatusOk, FcgiProtocolStatus.RequestComplete);
    }

    /// <summary>Frames what a streaming response holds so far: the header block the first time (without Content-Length unless the handler set it), and the body records.</summary>
    public void FramePartial(FcgiResponse response, ushort requestId)
    {
        if (!response.HeadersSent)
        {
            PutHeaderBlockInFront(response, requestId, complete: false);
        }

        response.Stdout.CloseRecord();
        response.AddBytesSent(response.Stdout.ContentLength);
    }

    /// <summary>Sends the control records, if any.</summary>
    public ValueTask SendControlAsync()
    {
        if (_control.Length == 0)
        {
            return default;
        }

        return SendControlCoreAsync();
    }

    private async ValueTask SendControlCoreAsync()
    {
        try
        {
            await SendAsync(_control.WrittenMemory).ConfigureAwait(false);
        }
        finally
        {
            _control.Reset();
        }
    }

    /// <summary>Sends what <paramref name="response"/> has framed, then forgets it.</summary>
    public async ValueTask SendFramedAsync(FcgiResponse response)
    {
        try
        {
            await SendAsync(response.Stdout.Framed).ConfigureAwait(false);
        }
        finally
        {
            response.Stdout.Consume();
        }
    }

    /// <summary>Returns the buffers to the pool; the connection is closed.</summary>
    public void ReleaseBuffers()
    {
        _control.Release();
        _headerRecord.Release();
        _answer?.Release();
    }

    private void PutHeaderBlockInFront(FcgiResponse response, ushort requestId, bool complete)
    {
        int max = response.MaxHeaderBlockLength;
        _headerRecord.Reset();
        Span<byte> record = _headerRecord.GetSpan(FcgiConstants.HeaderLength + max + 7);
        int block = response.WriteHeaderBlock(record.Slice(FcgiConstants.HeaderLength), complete);
        if (block > FcgiConstants.MaxContentLength)
        {
            throw new InvalidOperationException($"The response's header block is {block} bytes: more than one FastCGI record (65,535 bytes), and far more than a web server accepts.");
        }

        // Usually the block joins the first body record (the small answer is then one record,
        // as web servers expect to see it); else it is a STDOUT record of its own just before
        // the body's: records carry no meaning in a stream (FastCGI 1.0 §3.3).
        if (!response.Stdout.TryPrependToFirstRecord(record.Slice(FcgiConstants.HeaderLength, block)))
        {
            byte padding = FcgiRecordHeader.PaddingFor(block);
            new FcgiRecordHeader(FcgiRecordType.Stdout, requestId, (ushort)block, padding).Write(record);
            record.Slice(FcgiConstants.HeaderLength + block, padding).Clear();
            _headerRecord.Advance(FcgiConstants.HeaderLength + block + padding);
            response.Stdout.PutInFront(_headerRecord.WrittenSpan);
        }

        response.AddBytesSent(block);
        response.MarkHeadersSent();
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        if (Closed)
        {
            throw new ObjectDisposedException(nameof(OutputProducer));
        }

        try
        {
            while (!data.IsEmpty)
            {
                Volatile.Write(ref _sendingSince, Environment.TickCount64 | 1);
                int sent = await transport.SendAsync(data).ConfigureAwait(false);
                data = data.Slice(sent);
            }
        }
        finally
        {
            Volatile.Write(ref _sendingSince, 0);
        }
    }
}
