using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Testing.Internal;

/// <summary>
/// One connection of the test client to a FastCGI application over a Unix socket, playing the web
/// server's side as nginx does: request id 1, one request at a time, FCGI_KEEP_CONN when the
/// connection is to be reused, every PARAMS, STDIN and DATA stream ended by an empty record.
/// The framing is the runtime's own (<see cref="FcgiRecordWriter"/>, <see cref="FcgiNameValueWriter"/>,
/// <see cref="FcgiRecordReader"/>).
/// </summary>
internal sealed class FcgiClientConnection : IDisposable
{
    private const ushort RequestId = 1;

    // Room for two full records: a small request goes out in one send, as nginx sends it.
    private const int SendBufferSize = 2 * (FcgiConstants.HeaderLength + FcgiConstants.MaxContentLength + 8);

    private readonly Socket _socket;
    private readonly byte[] _receiveBuffer = new byte[64 * 1024];
    private int _requests;

    private FcgiClientConnection(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>True once the connection has served a request: a closed keep-alive connection may then be retried once.</summary>
    public bool WasUsed => _requests > 0;

    /// <summary>True when the application closed the connection (or sent something) while it sat idle: it cannot take a request.</summary>
    public bool IsStale
    {
        get
        {
            try
            {
                return _socket.Poll(0, SelectMode.SelectRead);
            }
            catch (SocketException)
            {
                return true;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }
    }

    public static async Task<FcgiClientConnection> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new FcgiClientConnection(socket);
    }

    /// <summary>
    /// Sends the request and reads its answer up to END_REQUEST, or until the application closes
    /// the connection (the answer is then Truncated). The body is sent while the answer is read,
    /// as nginx does: an application may answer (413) before it has all of it.
    /// </summary>
    public async Task<ExchangeResult> ExchangeAsync(PreparedRequest request, bool keepConnection, CancellationToken cancellationToken)
    {
        _requests++;
        var answer = new AnswerReader();
        using var sendCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task send = SendAsync(request, keepConnection, sendCancellation.Token);
        bool closed = false;
        try
        {
            while (!answer.Ended)
            {
                int received = await _socket.ReceiveAsync(_receiveBuffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (received == 0)
                {
                    closed = true;
                    break;
                }

                answer.Read(_receiveBuffer.AsSpan(0, received));
            }
        }
        catch (SocketException) when (!cancellationToken.IsCancellationRequested)
        {
            // A reset is a close too, without END_REQUEST.
            closed = true;
        }
        catch
        {
            // Cancelled (the caller, or the client's timeout) or a protocol error: close the
            // connection, as nginx does when its client goes away, and stop sending.
            _socket.Dispose();
            await ObserveAsync(send).ConfigureAwait(false);
            throw;
        }

        // The answer is complete (or the connection gone) but the body may still be going out, as
        // when the application refused it early (413): stop and drop the connection, as nginx does.
        bool sentWhole = send.IsCompletedSuccessfully;
        if (!send.IsCompleted)
        {
            await sendCancellation.CancelAsync().ConfigureAwait(false);
            _socket.Dispose();
        }

        await ObserveAsync(send).ConfigureAwait(false);
        FcgiRequestOutcome outcome = closed ? FcgiRequestOutcome.Truncated : FcgiRequestOutcome.Completed;
        var response = new FcgiTestResponse(answer.Stdout.ToArray(), Encoding.UTF8.GetString(answer.Stderr.ToArray()), outcome, answer.ProtocolStatus, answer.AppStatus);
        bool reusable = keepConnection && !closed && sentWhole && !answer.ExtraBytes;
        return new ExchangeResult(response, reusable, ReceivedNothing: closed && answer.BytesRead == 0);
    }

    public void Dispose() => _socket.Dispose();

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The connection was closed on purpose, or by the application, which the answer says.
        }
    }

    private async Task SendAsync(PreparedRequest request, bool keepConnection, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(SendBufferSize);
        try
        {
            var batch = new RecordBatch(_socket, buffer);
            batch.Used = FcgiRecordWriter.WriteBeginRequest(
                buffer, RequestId, request.Role, keepConnection ? FcgiBeginRequestFlags.KeepConnection : FcgiBeginRequestFlags.None);
            await batch.WriteStreamAsync(FcgiRecordType.Params, EncodeParameters(request.Parameters), cancellationToken).ConfigureAwait(false);
            if (request.Role != FcgiRole.Authorizer)
            {
                // §6.3: an Authorizer gets the parameters only.
                await batch.WriteStreamAsync(FcgiRecordType.Stdin, request.Body, cancellationToken).ConfigureAwait(false);
            }

            if (request.Role == FcgiRole.Filter)
            {
                await batch.WriteStreamAsync(FcgiRecordType.Data, request.Data, cancellationToken).ConfigureAwait(false);
            }

            await batch.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The parameters as FastCGI name-value pairs (§3.4), UTF-8.</summary>
    private static byte[] EncodeParameters(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var encoded = new ArrayBufferWriter<byte>();
        foreach (KeyValuePair<string, string> parameter in parameters)
        {
            byte[] name = Encoding.UTF8.GetBytes(parameter.Key);
            byte[] value = Encoding.UTF8.GetBytes(parameter.Value);
            int length = FcgiNameValueWriter.GetEncodedLength(name.Length, value.Length);
            FcgiNameValueWriter.TryWrite(encoded.GetSpan(length), name, value, out int written);
            encoded.Advance(written);
        }

        return encoded.WrittenSpan.ToArray();
    }

    /// <summary>What a request's exchange produced.</summary>
    /// <param name="Response">The answer.</param>
    /// <param name="Reusable">True when the connection may take the next request.</param>
    /// <param name="ReceivedNothing">True when the connection closed before a single byte of the answer.</param>
    public readonly record struct ExchangeResult(FcgiTestResponse Response, bool Reusable, bool ReceivedNothing);

    /// <summary>Records to send, gathered in one buffer and sent when it is full or the request is complete.</summary>
    private sealed class RecordBatch(Socket socket, byte[] buffer)
    {
        public int Used { get; set; }

        /// <summary>Frames <paramref name="data"/> as a stream of records and ends it with an empty record.</summary>
        public async Task WriteStreamAsync(FcgiRecordType type, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            while (!data.IsEmpty)
            {
                int written = FcgiRecordWriter.WriteStream(buffer.AsSpan(Used), type, RequestId, data.Span, out int consumed);
                Used += written;
                data = data.Slice(consumed);
                if (!data.IsEmpty)
                {
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (buffer.Length - Used < FcgiConstants.HeaderLength)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            Used += FcgiRecordWriter.WriteEndOfStream(buffer.AsSpan(Used), type, RequestId);
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            int sent = 0;
            while (sent < Used)
            {
                sent += await socket.SendAsync(buffer.AsMemory(sent, Used - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }

            Used = 0;
        }
    }

    /// <summary>Reads the application's records for the request: STDOUT, STDERR, then END_REQUEST.</summary>
    private sealed class AnswerReader
    {
        private readonly byte[] _endRequest = new byte[FcgiConstants.FixedBodyLength];
        private FcgiRecordReader _reader;

        public MemoryStream Stdout { get; } = new();

        public MemoryStream Stderr { get; } = new();

        public bool Ended { get; private set; }

        public bool ExtraBytes { get; private set; }

        public long BytesRead { get; private set; }

        public FcgiProtocolStatus ProtocolStatus { get; private set; }

        public uint AppStatus { get; private set; }

        /// <summary>Reads what arrived; throws on anything a FastCGI application may not send.</summary>
        public void Read(ReadOnlySpan<byte> input)
        {
            BytesRead += input.Length;
            while (!input.IsEmpty)
            {
                if (Ended)
                {
                    // Nothing may follow END_REQUEST before the next request: the connection is not reused.
                    ExtraBytes = true;
                    return;
                }

                FcgiReadStatus status = _reader.Read(input, out int consumed, out FcgiRecordFragment fragment);
                input = input.Slice(consumed);
                if (status == FcgiReadStatus.NeedMoreData)
                {
                    return;
                }

                if (status != FcgiReadStatus.Fragment)
                {
                    throw new InvalidDataException($"The application sent a record that is not FastCGI 1.0 ({status}).");
                }

                Take(fragment);
            }
        }

        private void Take(FcgiRecordFragment fragment)
        {
            FcgiRecordHeader header = fragment.Header;
            if (header.RequestId != RequestId)
            {
                throw new InvalidDataException($"The application sent a {header.Type} record for request id {header.RequestId}; only id {RequestId} was sent.");
            }

            switch (header.Type)
            {
                case FcgiRecordType.Stdout:
                    Stdout.Write(fragment.Content);
                    break;
                case FcgiRecordType.Stderr:
                    Stderr.Write(fragment.Content);
                    break;
                case FcgiRecordType.EndRequest:
                    if (header.ContentLength != FcgiConstants.FixedBodyLength)
                    {
                        throw new InvalidDataException($"The application sent an END_REQUEST of {header.ContentLength} bytes; its body has 8 (FastCGI 1.0 §5.5).");
                    }

                    fragment.Content.CopyTo(_endRequest.AsSpan(fragment.Offset));
                    if (fragment.IsRecordEnd)
                    {
                        FcgiEndRequestBody.TryRead(_endRequest, out FcgiEndRequestBody body);
                        ProtocolStatus = body.ProtocolStatus;
                        AppStatus = body.AppStatus;
                        Ended = true;
                    }

                    break;
                default:
                    throw new InvalidDataException($"The application sent an unexpected {header.Type} record for request {header.RequestId}.");
            }
        }
    }
}
