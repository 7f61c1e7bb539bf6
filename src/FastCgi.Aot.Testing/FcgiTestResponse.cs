using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Testing;

/// <summary>
/// What the application answered: the CGI response it wrote on FCGI_STDOUT (RFC 3875 §6), parsed
/// into a status, headers and a body as the web server parses it, with what it wrote on
/// FCGI_STDERR and how the request ended.
/// </summary>
public sealed class FcgiTestResponse
{
    private readonly byte[] _output;
    private readonly int _bodyStart;
    private IReadOnlyList<FcgiTestCookie>? _setCookies;
    private string? _text;

    internal FcgiTestResponse(byte[] output, string stderr, FcgiRequestOutcome outcome, FcgiProtocolStatus protocolStatus, uint appStatus)
    {
        _output = output;
        Stderr = stderr;
        Outcome = outcome;
        ProtocolStatus = protocolStatus;
        AppStatus = appStatus;

        var headers = new List<KeyValuePair<string, string>>();
        Headers = headers;
        ReasonPhrase = "";
        _bodyStart = output.Length;
        int end = FindEndOfHeaders(output, out int separatorLength);
        if (end < 0)
        {
            if (output.Length > 0 && outcome == FcgiRequestOutcome.Completed)
            {
                throw new InvalidDataException($"The application's output is not a CGI response (no blank line after the headers): {Describe(output)}");
            }

            // Cut off before its headers were complete, or no answer at all (FCGI_UNKNOWN_ROLE).
            return;
        }

        string? status = null;
        foreach (string rawLine in Encoding.UTF8.GetString(output, 0, end).Split('\n'))
        {
            string line = rawLine.TrimEnd('\r');
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"Malformed CGI header line '{line}' in: {Describe(output)}");
            }

            string name = line.Substring(0, colon);
            string value = line.Substring(colon + 1).Trim(' ', '\t');
            if (string.Equals(name, "Status", StringComparison.OrdinalIgnoreCase))
            {
                status = value;
            }
            else
            {
                headers.Add(new KeyValuePair<string, string>(name, value));
            }
        }

        _bodyStart = end + separatorLength;
        if (status is null)
        {
            // RFC 3875 §6.3.3: no Status means 200, and a Location alone a redirect, which nginx sends as 302.
            bool redirect = GetHeader("Location") is not null;
            StatusCode = redirect ? 302 : 200;
            ReasonPhrase = redirect ? "Found" : "OK";
        }
        else if (status.Length >= 3 && int.TryParse(status.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int code) && (status.Length == 3 || status[3] == ' '))
        {
            StatusCode = code;
            ReasonPhrase = status.Length > 4 ? status.Substring(4) : "";
        }
        else
        {
            throw new InvalidDataException($"Malformed CGI Status header '{status}' in: {Describe(output)}");
        }
    }

    /// <summary>The HTTP status from the <c>Status</c> header (200 without one); 0 when the application sent no headers (see <see cref="Outcome"/> and <see cref="ProtocolStatus"/>).</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase of the <c>Status</c> header, for example <c>Not Found</c>.</summary>
    public string ReasonPhrase { get; }

    /// <summary>
    /// Every response header but <c>Status</c> (which <see cref="StatusCode"/> holds), in the order
    /// sent, a header sent twice twice: <c>Set-Cookie</c> comes once per cookie.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body as sent: empty for HEAD, and for a response cut off before its headers.</summary>
    public ReadOnlyMemory<byte> Body => _output.AsMemory(_bodyStart);

    /// <summary>The body decoded as UTF-8.</summary>
    public string Text => _text ??= Encoding.UTF8.GetString(Body.Span);

    /// <summary>The <c>Content-Type</c> header, or null.</summary>
    public string? ContentType => GetHeader("Content-Type");

    /// <summary>The <c>Content-Length</c> header as a number, or null when absent (a streamed response) or not a number.</summary>
    public long? ContentLength =>
        long.TryParse(GetHeader("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out long length) ? length : null;

    /// <summary>The <c>Location</c> header, or null.</summary>
    public string? Location => GetHeader("Location");

    /// <summary>The <c>Set-Cookie</c> headers, parsed, in order; headers a browser would ignore (no <c>name=</c>) are left out.</summary>
    public IReadOnlyList<FcgiTestCookie> SetCookies => _setCookies ??= ParseSetCookies();

    /// <summary>
    /// The variables an Authorizer passes on (FastCGI 1.0 §6.3): each <c>Variable-NAME: value</c>
    /// header as <c>NAME</c> → value. Empty for other answers.
    /// </summary>
    public IReadOnlyDictionary<string, string> Variables
    {
        get
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> header in Headers)
            {
                if (header.Key.StartsWith("Variable-", StringComparison.OrdinalIgnoreCase))
                {
                    variables[header.Key.Substring("Variable-".Length)] = header.Value;
                }
            }

            return variables;
        }
    }

    /// <summary>
    /// How the request ended: <see cref="FcgiRequestOutcome.Completed"/> when the application
    /// ended it (END_REQUEST), <see cref="FcgiRequestOutcome.Truncated"/> when it cut the response
    /// off (a handler that failed after its answer started, or a connection closed without
    /// END_REQUEST): then the body is whatever arrived.
    /// </summary>
    public FcgiRequestOutcome Outcome { get; }

    /// <summary>The END_REQUEST protocol status: <see cref="FcgiProtocolStatus.RequestComplete"/>, or why the application refused the request (<see cref="FcgiProtocolStatus.UnknownRole"/>, <see cref="FcgiProtocolStatus.Overloaded"/>), with no response then.</summary>
    public FcgiProtocolStatus ProtocolStatus { get; }

    /// <summary>The END_REQUEST application status (the CGI exit code); 0 from FastCgi.Aot.</summary>
    public uint AppStatus { get; }

    /// <summary>
    /// What the request wrote on FCGI_STDERR (nginx puts it in its error log), as UTF-8: lines from
    /// <see cref="FcgiResponse.WriteError"/>, and the exception of a handler that failed with 500.
    /// </summary>
    public string Stderr { get; }

    /// <summary>FCGI_STDOUT exactly as the application wrote it: the CGI header block (with <c>Status</c>), the blank line, the body.</summary>
    public ReadOnlyMemory<byte> RawOutput => _output;

    /// <summary>The first value of header <paramref name="name"/> (compared case-insensitively), or null.</summary>
    /// <param name="name">The header's name.</param>
    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>Every value of header <paramref name="name"/> (compared case-insensitively), in order; empty when absent.</summary>
    /// <param name="name">The header's name.</param>
    public IReadOnlyList<string> GetHeaderValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var values = new List<string>();
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(header.Value);
            }
        }

        return values;
    }

    /// <summary>The last cookie named <paramref name="name"/> this response sets (the one a browser keeps), or null.</summary>
    /// <param name="name">The cookie's name, compared case-sensitively.</param>
    public FcgiTestCookie? GetSetCookie(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        FcgiTestCookie? found = null;
        foreach (FcgiTestCookie cookie in SetCookies)
        {
            if (cookie.Name == name)
            {
                found = cookie;
            }
        }

        return found;
    }

    /// <summary>Deserializes the body as JSON with source-generated type info.</summary>
    /// <param name="typeInfo">The type info, from a <c>JsonSerializerContext</c>.</param>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <exception cref="JsonException">The body is not JSON of that type.</exception>
    public T? ReadJson<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return JsonSerializer.Deserialize(Body.Span, typeInfo);
    }

    /// <summary>Throws unless the status is 2xx and the request completed, with the whole response and its stderr in the message.</summary>
    /// <returns>This response.</returns>
    /// <exception cref="InvalidOperationException">The status is not 2xx, or the response was cut off or refused.</exception>
    public FcgiTestResponse EnsureSuccess()
    {
        if (StatusCode is < 200 or > 299 || Outcome != FcgiRequestOutcome.Completed)
        {
            throw new InvalidOperationException($"Expected a 2xx answer that completed, got {StatusCode} ({Outcome}, {ProtocolStatus}):\n{this}");
        }

        return this;
    }

    /// <summary>The raw response and its stderr, for assertion messages.</summary>
    public override string ToString()
    {
        string text = Describe(_output);
        if (Outcome != FcgiRequestOutcome.Completed || ProtocolStatus != FcgiProtocolStatus.RequestComplete)
        {
            text = $"[{Outcome}, {ProtocolStatus}] " + text;
        }

        return Stderr.Length == 0 ? text : text + "\n[stderr] " + Stderr;
    }

    private List<FcgiTestCookie> ParseSetCookies()
    {
        var cookies = new List<FcgiTestCookie>();
        foreach (string value in GetHeaderValues("Set-Cookie"))
        {
            if (FcgiTestCookie.TryParse(value, out FcgiTestCookie? cookie))
            {
                cookies.Add(cookie!);
            }
        }

        return cookies;
    }

    /// <summary>Where the header block ends: at the first empty line (CRLF CRLF, or bare LFs, which RFC 3875 §6.1 allows).</summary>
    private static int FindEndOfHeaders(ReadOnlySpan<byte> output, out int separatorLength)
    {
        for (int i = 0; i < output.Length; i++)
        {
            if (output[i] != (byte)'\n')
            {
                continue;
            }

            if (i + 1 < output.Length && output[i + 1] == (byte)'\n')
            {
                separatorLength = 2;
                return i;
            }

            if (i + 2 < output.Length && output[i + 1] == (byte)'\r' && output[i + 2] == (byte)'\n')
            {
                // "...\r\n\r\n": the block ends before the first CR.
                bool crlf = i > 0 && output[i - 1] == (byte)'\r';
                separatorLength = crlf ? 4 : 3;
                return crlf ? i - 1 : i;
            }
        }

        separatorLength = 0;
        return -1;
    }

    private static string Describe(byte[] output)
    {
        const int Limit = 4096;
        string text = Encoding.UTF8.GetString(output, 0, Math.Min(output.Length, Limit));
        return output.Length > Limit ? text + $"… ({output.Length} bytes)" : text;
    }
}
