using System;
using System.Collections.Generic;
using System.Threading;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Internal;

/// <summary>
/// A request and a response that live in memory, with no connection: how CGI mode serves its one
/// request, and how tests run handlers and generated dispatchers directly.
/// </summary>
internal sealed class FcgiInMemoryExchange
{
    public FcgiInMemoryExchange(
        IEnumerable<KeyValuePair<string, string>> parameters,
        ReadOnlySpan<byte> body = default,
        FcgiRole role = FcgiRole.Responder,
        ReadOnlySpan<byte> data = default,
        CancellationToken aborted = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (KeyValuePair<string, string> parameter in parameters)
        {
            byte[] name = System.Text.Encoding.UTF8.GetBytes(parameter.Key);
            byte[] value = System.Text.Encoding.UTF8.GetBytes(parameter.Value);
            byte[] encoded = new byte[FcgiNameValueWriter.GetEncodedLength(name.Length, value.Length)];
            FcgiNameValueWriter.TryWrite(encoded, name, value, out _);
            Request.TryAppendParams(encoded, int.MaxValue);
        }

        FcgiNameValueStatus status = Request.CompleteParams();
        if (status != FcgiNameValueStatus.End)
        {
            throw new InvalidOperationException($"The parameters did not encode to a valid stream: {status}.");
        }

        Request.TryAppendBody(body, int.MaxValue);
        Request.TryAppendData(data, int.MaxValue);
        Request.Start(1, role, keepConnection: false, aborted);
        Response.Start(sink: null, suppressBody: Request.Method.SequenceEqual("HEAD"u8), streamThreshold: int.MaxValue);
    }

    public FcgiRequest Request { get; } = new();

    public FcgiResponse Response { get; } = new();

    /// <summary>The CGI response as the web server would receive it on FCGI_STDOUT: the header block, then the body.</summary>
    public byte[] RenderResponse()
    {
        byte[] headers = new byte[Response.MaxHeaderBlockLength];
        int headerLength = Response.WriteHeaderBlock(headers, complete: true);
        ReadOnlySpan<byte> body = Response.PendingBody;
        byte[] result = new byte[headerLength + body.Length];
        headers.AsSpan(0, headerLength).CopyTo(result);
        body.CopyTo(result.AsSpan(headerLength));
        return result;
    }
}
