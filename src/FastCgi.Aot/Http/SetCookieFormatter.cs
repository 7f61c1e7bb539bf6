using System;
using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace FastCgi.Aot.Http;

/// <summary>
/// Writes a <c>Set-Cookie</c> header value after checking it against RFC 6265 §4.1.1:
/// <code>
/// set-cookie-string = cookie-pair *( ";" SP cookie-av )
/// cookie-pair       = cookie-name "=" cookie-value
/// cookie-name       = token                                              (RFC 9110 §5.6.2)
/// cookie-value      = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
/// cookie-octet      = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
/// cookie-av         = expires-av / max-age-av / domain-av / path-av / secure-av / httponly-av
///                   / samesite-av                                        (RFC 6265bis §4.1.1)
/// expires-av        = "Expires=" sane-cookie-date                        ; IMF-fixdate, RFC 9110 §5.6.7
/// path-value        = &lt;any CHAR except CTLs or ";"&gt;
/// </code>
/// </summary>
/// <remarks>
/// Nothing is encoded on the caller's behalf: a name or value that breaks the grammar throws an
/// <see cref="ArgumentException"/> saying which character and why, because a silently encoded
/// value would not be the value the application reads back. The rules browsers enforce by
/// dropping the cookie are refused here too, where the mistake can still be seen:
/// <c>SameSite=None</c> without <c>Secure</c> (RFC 6265bis §5.7 step 15), and the <c>__Secure-</c>
/// and <c>__Host-</c> name prefixes without what they promise (RFC 6265bis §4.1.3), matched
/// case-insensitively as browsers match them.
/// </remarks>
internal static class SetCookieFormatter
{
    /// <summary>Above this many bytes a value is formatted into a pooled array rather than on the stack.</summary>
    public const int StackLimit = 256;

    // Max-Age=0 and a date long past, so that browsers that know either attribute drop the cookie.
    private static readonly DateTimeOffset s_deletedExpires = DateTimeOffset.UnixEpoch;

    /// <summary>An upper bound of the length <see cref="Format"/> writes.</summary>
    public static int GetMaxLength(string name, string value, FcgiCookieOptions? options) =>
        name.Length + 1 + value.Length +
        (options?.Path is { } path ? "; Path=".Length + path.Length : 0) +
        (options?.Domain is { } domain ? "; Domain=".Length + domain.Length : 0) +
        "; Max-Age=".Length + 20 + "; Expires=".Length + 29 + "; Secure".Length + "; HttpOnly".Length + "; SameSite=Strict".Length;

    /// <summary>Checks a cookie and writes its <c>Set-Cookie</c> value into <paramref name="destination"/>.</summary>
    /// <param name="name">The cookie's name.</param>
    /// <param name="value">The cookie's value, or empty when <paramref name="delete"/>.</param>
    /// <param name="options">The attributes, or null for none.</param>
    /// <param name="delete">Write the cookie as deleted: an empty value, <c>Max-Age=0</c> and an <c>Expires</c> in the past, the other attributes kept.</param>
    /// <param name="destination">At least <see cref="GetMaxLength"/> bytes.</param>
    /// <returns>The length written.</returns>
    /// <exception cref="ArgumentException">The name, value or an attribute breaks the rules above.</exception>
    public static int Format(string name, string value, FcgiCookieOptions? options, bool delete, Span<byte> destination)
    {
        Validate(name, value, options);
        int position = 0;
        position += WriteAscii(name, destination);
        destination[position++] = (byte)'=';
        position += WriteAscii(delete ? string.Empty : value, destination.Slice(position));
        if (options?.Path is { } path)
        {
            Append(destination, ref position, "; Path="u8);
            position += WriteAscii(path, destination.Slice(position));
        }

        if (options?.Domain is { } domain)
        {
            Append(destination, ref position, "; Domain="u8);
            position += WriteAscii(domain, destination.Slice(position));
        }

        TimeSpan? maxAge = delete ? TimeSpan.Zero : options?.MaxAge;
        if (maxAge is { } age)
        {
            Append(destination, ref position, "; Max-Age="u8);
            Utf8Formatter.TryFormat(age.Ticks / TimeSpan.TicksPerSecond, destination.Slice(position), out int written);
            position += written;
        }

        DateTimeOffset? expires = delete ? s_deletedExpires : options?.Expires;
        if (expires is { } date)
        {
            // 'R' is RFC 1123's form in GMT: "Sun, 06 Nov 1994 08:49:37 GMT", the IMF-fixdate.
            Append(destination, ref position, "; Expires="u8);
            Utf8Formatter.TryFormat(date, destination.Slice(position), out int written, new StandardFormat('R'));
            position += written;
        }

        if (options is { Secure: true })
        {
            Append(destination, ref position, "; Secure"u8);
        }

        if (options is { HttpOnly: true })
        {
            Append(destination, ref position, "; HttpOnly"u8);
        }

        if (options?.SameSite is { } sameSite)
        {
            Append(destination, ref position, sameSite switch
            {
                FcgiSameSite.Lax => "; SameSite=Lax"u8,
                FcgiSameSite.Strict => "; SameSite=Strict"u8,
                _ => "; SameSite=None"u8,
            });
        }

        return position;
    }

    /// <summary>Checks a cookie and returns its <c>Set-Cookie</c> value as a string, for <see cref="FcgiResult"/>'s headers.</summary>
    public static string FormatToString(string name, string value, FcgiCookieOptions? options, bool delete)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        byte[]? rented = null;
        int max = GetMaxLength(name, value, options);
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return Encoding.ASCII.GetString(buffer.Slice(0, Format(name, value, options, delete, buffer)));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void Validate(string name, string value, FcgiCookieOptions? options)
    {
        if (name.Length == 0)
        {
            throw new ArgumentException("A cookie name cannot be empty (RFC 6265 §4.1.1: cookie-name = token).", nameof(name));
        }

        int bad = HttpCharacters.IndexOfNonToken(name);
        if (bad >= 0)
        {
            ThrowBadCharacter(nameof(name), $"The cookie name '{name}'", name[bad], bad,
                "not a token character (RFC 6265 §4.1.1, RFC 9110 §5.6.2); a cookie name is letters, digits and !#$%&'*+-.^_`|~, and is not encoded");
        }

        ReadOnlySpan<char> octets = value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value.AsSpan(1, value.Length - 2) : value;
        bad = HttpCharacters.IndexOfNonCookieOctet(octets);
        if (bad >= 0)
        {
            // The value itself stays out of the message: it may be a secret, and messages reach logs.
            int index = bad + (octets.Length == value.Length ? 0 : 1);
            ThrowBadCharacter(nameof(value), $"The value of the cookie '{name}'", value[index], index,
                "not a cookie-octet (RFC 6265 §4.1.1: no whitespace, DQUOTE, comma, semicolon, backslash, control or non-ASCII character); the value is not encoded for you: percent-encode or Base64url-encode it first");
        }

        if (options is null)
        {
            return;
        }

        ValidateAttribute(name, options.Path, "Path");
        ValidateAttribute(name, options.Domain, "Domain");
        if (options.MaxAge is { } maxAge && maxAge < TimeSpan.Zero)
        {
            throw new ArgumentException($"The cookie '{name}' has a negative MaxAge ({maxAge}); delete a cookie with DeleteCookie.", nameof(options));
        }

        if (options.SameSite == FcgiSameSite.None && !options.Secure)
        {
            throw new ArgumentException(
                $"The cookie '{name}' has SameSite=None without Secure, which browsers drop (RFC 6265bis §5.7); set Secure = true (and serve over HTTPS).", nameof(options));
        }

        bool host = name.StartsWith("__Host-", StringComparison.OrdinalIgnoreCase);
        if ((host || name.StartsWith("__Secure-", StringComparison.OrdinalIgnoreCase)) && !options.Secure)
        {
            throw new ArgumentException($"The cookie '{name}' has a {(host ? "__Host-" : "__Secure-")} prefix, which browsers accept only with Secure (RFC 6265bis §4.1.3).", nameof(options));
        }

        if (host && (options.Path != "/" || options.Domain is not null))
        {
            throw new ArgumentException($"The cookie '{name}' has the __Host- prefix, which browsers accept only with Path=/ and no Domain (RFC 6265bis §4.1.3.2).", nameof(options));
        }
    }

    private static void ValidateAttribute(string name, string? value, string attribute)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0)
        {
            throw new ArgumentException($"The {attribute} of the cookie '{name}' cannot be empty; leave it null to send no {attribute} attribute.", "options");
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c < 0x20 || c >= 0x7F || c == ';')
            {
                ThrowBadCharacter("options", $"The {attribute} of the cookie '{name}'", c, i,
                    $"not allowed in the {attribute} attribute (RFC 6265 §4.1.1: any US-ASCII character except controls and ';')");
            }
        }
    }

    private static int WriteAscii(string value, Span<byte> destination)
    {
        // Every character was checked to be US-ASCII.
        Ascii.FromUtf16(value, destination, out int written);
        return written;
    }

    private static void Append(Span<byte> destination, ref int position, ReadOnlySpan<byte> value)
    {
        value.CopyTo(destination.Slice(position));
        position += value.Length;
    }

    [DoesNotReturn]
    [StackTraceHidden]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadCharacter(string paramName, string subject, char c, int index, string why) =>
        throw new ArgumentException(
            $"{subject} holds {(c is >= ' ' and < '\u007F' ? $"'{c}' " : string.Empty)}U+{(int)c:X4} at index {index}, which is {why}.", paramName);
}
