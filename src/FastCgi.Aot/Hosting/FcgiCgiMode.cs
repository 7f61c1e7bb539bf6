using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using FastCgi.Aot.Http;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot.Hosting;

/// <summary>
/// Serves exactly one request as a CGI/1.1 program (RFC 3875): the request from the environment
/// and standard input, the response on standard output. The same executable then runs under any
/// CGI server, the migration path from CGI that FastCGI promises.
/// </summary>
internal static class FcgiCgiMode
{
    public static int Run<TApp>(FcgiServerOptions options, Stream input, Stream output)
        where TApp : IFcgiApplication
    {
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            parameters.Add(new KeyValuePair<string, string>((string)entry.Key, (string?)entry.Value ?? ""));
        }

        return Run<TApp>(options, parameters, input, output, StandardStreams.Error);
    }

    /// <summary>Serves one request from the given CGI environment; testable without touching the process's.</summary>
    public static int Run<TApp>(FcgiServerOptions options, IReadOnlyList<KeyValuePair<string, string>> parameters, Stream input, Stream output, TextWriter error)
        where TApp : IFcgiApplication
    {
        string? declared = null;
        foreach (KeyValuePair<string, string> parameter in parameters)
        {
            if (parameter.Key == "CONTENT_LENGTH")
            {
                declared = parameter.Value;
            }
        }

        long contentLength = 0;
        if (!string.IsNullOrEmpty(declared) && (!long.TryParse(declared, out contentLength) || contentLength < 0))
        {
            return WriteError(output, 400, "Bad CONTENT_LENGTH.");
        }

        var spool = new SpoolSettings(options.TempDirectory ?? Path.GetTempPath(), options.SpoolThresholdBytes, new SpoolBudget(options.MaxSpoolBytes), new SpoolBudget(options.MaxBodyMemoryBytes));
        var exchange = new FcgiInMemoryExchange(parameters, spool: spool, maxFormFields: options.MaxFormFields);
        if (contentLength > exchange.BodyLimit<TApp>(options.MaxBodyBytes))
        {
            return WriteError(output, 413, message: null);
        }

        // RFC 3875 §4.2: read no more than CONTENT_LENGTH bytes of the body. A body past the
        // spool threshold goes to a temporary file, as on a connection.
        byte[] chunk = new byte[(int)Math.Min(Math.Max(contentLength, 1), 64 * 1024)];
        long left = contentLength;
        try
        {
            while (left > 0)
            {
                int n = input.Read(chunk, 0, (int)Math.Min(chunk.Length, left));
                if (n == 0)
                {
                    break;
                }

                exchange.AppendBody(chunk.AsSpan(0, n));
                left -= n;
            }

            exchange.CompleteBody();
        }
        catch (FcgiHttpException exception)
        {
            return WriteError(output, exception.StatusCode, exception.Message);
        }
        catch (IOException exception)
        {
            error.WriteLine($"fastcgi: cannot keep a {contentLength}-byte body in '{options.TempDirectory ?? Path.GetTempPath()}' (--temp-dir): {exception.Message}");
            return WriteError(output, 507, message: null);
        }

        exchange.RunAsync<TApp>(options.MaxBodyBytes, error).GetAwaiter().GetResult();
        output.Write(exchange.RenderResponse());
        output.Flush();
        return 0;
    }

    private static int WriteError(Stream output, int status, string? message)
    {
        var exchange = new FcgiInMemoryExchange([]);
        ServerAnswers.Write(exchange.Response, status, message);
        output.Write(exchange.RenderResponse());
        output.Flush();
        return 0;
    }
}
