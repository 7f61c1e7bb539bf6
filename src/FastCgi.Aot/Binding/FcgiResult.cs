using System;
using System.Collections.Generic;

namespace FastCgi.Aot;

/// <summary>
/// A complete response a handler returns: a status, headers and a body. Build one with
/// <see cref="FcgiResults"/>, for example <c>return FcgiResults.NotFound();</c>, and add headers
/// with <see cref="WithHeader"/>.
/// </summary>
/// <remarks>A result is immutable; <see cref="WithHeader"/> returns a new one, so results can be cached in static fields.</remarks>
public sealed class FcgiResult
{
    private readonly KeyValuePair<string, string>[] _headers;

    /// <summary>Creates a result.</summary>
    /// <param name="statusCode">The HTTP status code, 100 to 999.</param>
    /// <param name="contentType">The Content-Type, or null for none.</param>
    /// <param name="body">The body bytes.</param>
    public FcgiResult(int statusCode, string? contentType = null, ReadOnlyMemory<byte> body = default)
        : this(statusCode, contentType, body, [])
    {
    }

    private FcgiResult(int statusCode, string? contentType, ReadOnlyMemory<byte> body, KeyValuePair<string, string>[] headers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 999);
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
        _headers = headers;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The Content-Type, or null for none.</summary>
    public string? ContentType { get; }

    /// <summary>The body bytes.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The headers besides Status, Content-Type and Content-Length.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>A copy of this result with one more header.</summary>
    public FcgiResult WithHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var headers = new KeyValuePair<string, string>[_headers.Length + 1];
        _headers.CopyTo(headers, 0);
        headers[^1] = new KeyValuePair<string, string>(name, value);
        return new FcgiResult(StatusCode, ContentType, Body, headers);
    }

    /// <summary>Writes the status, headers and body into <paramref name="response"/>.</summary>
    public void WriteTo(FcgiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCode;
        if (ContentType is not null)
        {
            response.ContentType = ContentType;
        }

        foreach (KeyValuePair<string, string> header in _headers)
        {
            response.AddHeader(header.Key, header.Value);
        }

        response.Write(Body.Span);
    }

    /// <summary>
    /// A copy of this result that also sets a cookie: one more <c>Set-Cookie</c> header (several
    /// cookies are several headers, never merged).
    /// </summary>
    /// <param name="name">The cookie's name: a token (RFC 6265 §4.1.1).</param>
    /// <param name="value">
    /// The value: cookie-octets (printable US-ASCII but space, <c>"</c>, <c>,</c>, <c>;</c> and <c>\</c>),
    /// optionally wrapped in DQUOTEs. Nothing is encoded for you: encode anything else first.
    /// </param>
    /// <param name="options">Path, Domain, lifetime and protection, or null for none.</param>
    /// <exception cref="ArgumentException">The name, value or an option is invalid; the message says which character and why.</exception>
    public FcgiResult WithCookie(string name, string value, FcgiCookieOptions? options = null) =>
        WithHeader("Set-Cookie", Http.SetCookieFormatter.FormatToString(name, value, options, delete: false));

    /// <summary>
    /// A copy of this result that deletes a cookie: a <c>Set-Cookie</c> with an empty value,
    /// <c>Max-Age=0</c> and an <c>Expires</c> in the past. Pass the Path and Domain the cookie was
    /// set with: a browser deletes only the cookie they match.
    /// </summary>
    /// <param name="name">The cookie's name.</param>
    /// <param name="options">The options the cookie was set with; its MaxAge and Expires are ignored.</param>
    public FcgiResult DeleteCookie(string name, FcgiCookieOptions? options = null) =>
        WithHeader("Set-Cookie", Http.SetCookieFormatter.FormatToString(name, string.Empty, options, delete: true));
}
