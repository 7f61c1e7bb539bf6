using System;
using System.Globalization;

namespace FastCgi.Aot.Testing;

/// <summary>
/// A cookie as a <c>Set-Cookie</c> response header sets it (RFC 6265 §5.2): its name, value and
/// attributes. <see cref="FcgiTestResponse.SetCookies"/> lists those of a response, and
/// <see cref="FcgiTestCookieJar"/> keeps them.
/// </summary>
public sealed class FcgiTestCookie
{
    /// <summary>Creates a cookie with the given attributes.</summary>
    /// <param name="name">The cookie's name.</param>
    /// <param name="value">Its value, exactly as sent.</param>
    public FcgiTestCookie(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
    }

    /// <summary>The cookie's name.</summary>
    public string Name { get; }

    /// <summary>
    /// The value exactly as sent: surrounding double quotes are kept, as browsers keep them (they
    /// send the value back as they got it) and nothing is decoded, as the runtime encodes nothing.
    /// </summary>
    public string Value { get; }

    /// <summary>The <c>Path</c> attribute; null when absent.</summary>
    public string? Path { get; init; }

    /// <summary>The <c>Domain</c> attribute, without a leading dot; null when absent (then the cookie is for the host that set it only).</summary>
    public string? Domain { get; init; }

    /// <summary>The <c>Max-Age</c> attribute; zero or less deletes the cookie. Null when absent or not a number.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>The <c>Expires</c> attribute; null when absent or not a date.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>True with the <c>HttpOnly</c> attribute.</summary>
    public bool HttpOnly { get; init; }

    /// <summary>True with the <c>Secure</c> attribute: a browser sends the cookie back over HTTPS only.</summary>
    public bool Secure { get; init; }

    /// <summary>The <c>SameSite</c> attribute; null when absent or not <c>Lax</c>, <c>Strict</c> or <c>None</c>.</summary>
    public FcgiSameSite? SameSite { get; init; }

    /// <summary>
    /// True when this <c>Set-Cookie</c> deletes the cookie rather than sets it: <c>Max-Age</c> of
    /// zero or less, or, without <c>Max-Age</c>, an <c>Expires</c> in the past (what
    /// <see cref="FcgiResponse.DeleteCookie"/> sends).
    /// </summary>
    public bool IsDeletion => MaxAge is { } maxAge ? maxAge <= TimeSpan.Zero : Expires <= DateTimeOffset.UtcNow;

    /// <summary>
    /// Parses a <c>Set-Cookie</c> header value as a browser does (RFC 6265 §5.2): the first
    /// <c>name=value</c> pair, then attributes matched case-insensitively; attributes it does not
    /// know, and malformed ones, are ignored.
    /// </summary>
    /// <param name="setCookie">The header's value, for example <c>sid=abc; Path=/; HttpOnly</c>.</param>
    /// <param name="cookie">The cookie.</param>
    /// <returns>False when the value has no <c>=</c> in its first pair or an empty name: a browser ignores such a header.</returns>
    public static bool TryParse(string setCookie, out FcgiTestCookie? cookie)
    {
        ArgumentNullException.ThrowIfNull(setCookie);
        cookie = null;
        string[] pieces = setCookie.Split(';');
        int equals = pieces[0].IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return false;
        }

        string name = Trim(pieces[0].AsSpan(0, equals));
        if (name.Length == 0)
        {
            return false;
        }

        string? path = null;
        string? domain = null;
        TimeSpan? maxAge = null;
        DateTimeOffset? expires = null;
        bool httpOnly = false;
        bool secure = false;
        FcgiSameSite? sameSite = null;
        for (int i = 1; i < pieces.Length; i++)
        {
            string piece = pieces[i];
            int separator = piece.IndexOf('=', StringComparison.Ordinal);
            string attribute = Trim(separator < 0 ? piece.AsSpan() : piece.AsSpan(0, separator));
            string value = separator < 0 ? "" : Trim(piece.AsSpan(separator + 1));
            switch (attribute.ToUpperInvariant())
            {
                case "PATH":
                    // §5.2.4: a path that does not start with '/' means the default path.
                    path = value.StartsWith('/') ? value : null;
                    break;
                case "DOMAIN":
                    domain = value.Length == 0 ? null : value.TrimStart('.').ToLowerInvariant();
                    break;
                case "MAX-AGE":
                    if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds))
                    {
                        maxAge = TimeSpan.FromSeconds(Math.Clamp(seconds, -TimeSpan.MaxValue.TotalSeconds / 2, TimeSpan.MaxValue.TotalSeconds / 2));
                    }

                    break;
                case "EXPIRES":
                    if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date) ||
                        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
                    {
                        expires = date;
                    }

                    break;
                case "HTTPONLY":
                    httpOnly = true;
                    break;
                case "SECURE":
                    secure = true;
                    break;
                case "SAMESITE":
                    sameSite = value.ToUpperInvariant() switch
                    {
                        "LAX" => FcgiSameSite.Lax,
                        "STRICT" => FcgiSameSite.Strict,
                        "NONE" => FcgiSameSite.None,
                        _ => null,
                    };
                    break;
            }
        }

        cookie = new FcgiTestCookie(name, Trim(pieces[0].AsSpan(equals + 1)))
        {
            Path = path,
            Domain = domain,
            MaxAge = maxAge,
            Expires = expires,
            HttpOnly = httpOnly,
            Secure = secure,
            SameSite = sameSite,
        };
        return true;
    }

    /// <summary>The cookie as a <c>Set-Cookie</c> value would carry it: <c>name=value</c> and its attributes.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(Name).Append('=').Append(Value);
        if (Path is not null)
        {
            text.Append("; Path=").Append(Path);
        }

        if (Domain is not null)
        {
            text.Append("; Domain=").Append(Domain);
        }

        if (MaxAge is { } maxAge)
        {
            text.Append("; Max-Age=").Append(((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        if (Expires is { } expires)
        {
            text.Append("; Expires=").Append(expires.ToString("r", CultureInfo.InvariantCulture));
        }

        if (Secure)
        {
            text.Append("; Secure");
        }

        if (HttpOnly)
        {
            text.Append("; HttpOnly");
        }

        if (SameSite is { } sameSite)
        {
            text.Append("; SameSite=").Append(sameSite.ToString());
        }

        return text.ToString();
    }

    private static string Trim(ReadOnlySpan<char> value) => value.Trim(" \t").ToString();
}
