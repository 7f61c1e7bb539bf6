using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Http;
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
        CancellationToken aborted = default,
        SpoolSettings? spool = null,
        int maxFormFields = 1024)
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

        // The body goes in as a connection feeds it; a form is read from it on first use.
        Request.BeginBody(spool ?? SpoolSettings.InMemory, maxFormFields, formReader: null);
        AppendBody(body);
        if (Request.AppendData(data) != FormStatus.Ok)
        {
            Request.Flush();
        }

        Request.Start(1, role, keepConnection: false, aborted);
        Response.Start(sink: null, requestId: 1, suppressBody: Request.Method.SequenceEqual("HEAD"u8), streamThreshold: int.MaxValue);
    }

    public FcgiRequest Request { get; } = new();

    public FcgiResponse Response { get; } = new();

    /// <summary>Appends bytes to the body, writing them to a temporary file on this thread when they pass the threshold.</summary>
    /// <exception cref="FcgiHttpException">507: the spool budget is spent.</exception>
    public void AppendBody(ReadOnlySpan<byte> body)
    {
        FormStatus status = Request.AppendBody(body);
        if (status == FormStatus.FlushNeeded)
        {
            Request.Flush();
        }
        else if (status != FormStatus.Ok)
        {
            throw FcgiRequest.FormFailure(status);
        }
    }

    /// <summary>The body is complete: writes what waits for the temporary file.</summary>
    public void CompleteBody()
    {
        Request.Flush();
        Request.CompleteBody();
    }

    /// <summary>The request's body limit: its endpoint's (matching it first), or <paramref name="maxBodyBytes"/>.</summary>
    public long BodyLimit<TApp>(long maxBodyBytes)
        where TApp : IFcgiApplication
    {
        Request.Endpoint ??= TApp.Match(Request);
        return Request.Endpoint is { MaxBodyBytes: >= 0 } endpoint ? endpoint.MaxBodyBytes : maxBodyBytes;
    }

    /// <summary>
    /// Runs the request through <typeparamref name="TApp"/> as a connection does, without one: the
    /// endpoint first (its body limit answered with 413), then the handler, a failure answered
    /// with 500 (or, after the body started, reported as cut off), then the after hook.
    /// </summary>
    /// <param name="maxBodyBytes">The server's body limit, for endpoints without their own.</param>
    /// <param name="log">Where a handler's failure is logged.</param>
    /// <returns>How the request ended.</returns>
    public async Task<FcgiRequestOutcome> RunAsync<TApp>(long maxBodyBytes, TextWriter log)
        where TApp : IFcgiApplication
    {
        long began = System.Diagnostics.Stopwatch.GetTimestamp();
        FcgiRequestOutcome outcome = FcgiRequestOutcome.Completed;
        long limit = BodyLimit<TApp>(maxBodyBytes);
        if (Request.BodyLength > limit || Request.DataLength > limit || Request.ContentLength > limit)
        {
            ServerAnswers.Write(Response, 413);
        }
        else
        {
            try
            {
                await TApp.HandleAsync(Request, Response).ConfigureAwait(false);
                if (Response.ContentLengthMismatch)
                {
                    throw new InvalidOperationException($"The handler set Content-Length: {Response.ContentLength} but wrote {Response.BodyLength} body bytes.");
                }
            }
            catch (FcgiHttpException exception) when (!Response.HasStarted)
            {
                Response.ResetForError();
                ServerAnswers.Write(Response, exception.StatusCode, exception.Message);
            }
            catch (Exception exception) when (!(exception is OperationCanceledException && Request.Aborted.IsCancellationRequested))
            {
                string message = $"fastcgi: unhandled exception in {Request.GetMethodString()} {Request.GetPathString()}: {exception}";
                log.WriteLine(message);
                if (Response.HasStarted)
                {
                    outcome = FcgiRequestOutcome.Truncated;
                }
                else
                {
                    Response.ResetForError();
                    ServerAnswers.Write(Response, 500);
                    Response.WriteError(message);
                }
            }
        }

        if (TApp.ObservesCompletedRequests)
        {
            long bytes = RenderResponse().Length;
            var summary = new FcgiRequestSummary(Response.StatusCode, outcome, System.Diagnostics.Stopwatch.GetElapsedTime(began), bytes, Request.Endpoint);
            TApp.OnRequestCompleted(Request, in summary);
        }

        return outcome;
    }

    /// <summary>The CGI response as the web server would receive it on FCGI_STDOUT: the header block, then the body.</summary>
    public byte[] RenderResponse()
    {
        byte[] headers = new byte[Response.MaxHeaderBlockLength];
        int headerLength = Response.WriteHeaderBlock(headers, complete: true);
        byte[] body = Response.GetBody();
        byte[] result = new byte[headerLength + body.Length];
        headers.AsSpan(0, headerLength).CopyTo(result);
        body.CopyTo(result.AsSpan(headerLength));
        return result;
    }
}
