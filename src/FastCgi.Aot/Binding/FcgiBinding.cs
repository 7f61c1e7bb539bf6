using System;
using System.Buffers;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using FastCgi.Aot.Http;

namespace FastCgi.Aot;

/// <summary>
/// Helpers the source-generated dispatcher and binders call: path splitting, query lookup,
/// percent-decoding and span parsers, and the standard error responses. Not meant for handler code.
/// </summary>
/// <remarks>
/// Values are decoded into a stack buffer (or a pooled array past 256 bytes) and parsed from bytes:
/// no string is made unless the parameter is a string.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FcgiBinding
{
    private const int StackLimit = 256;
    private const string TextPlain = "text/plain; charset=utf-8";

    /// <summary>
    /// Splits a path into the ranges of its segments: the text between the leading <c>/</c> and each
    /// following <c>/</c>. <c>/</c> is one empty segment, <c>/a/b/</c> three segments, the last empty.
    /// </summary>
    /// <param name="path">The request path.</param>
    /// <param name="segments">Receives the first segments, as many as fit.</param>
    /// <returns>The number of segments in the path, which may exceed the length of <paramref name="segments"/>.</returns>
    public static int SplitPath(ReadOnlySpan<byte> path, Span<Range> segments)
    {
        int start = !path.IsEmpty && path[0] == (byte)'/' ? 1 : 0;
        int count = 0;
        while (true)
        {
            int slash = path.Slice(start).IndexOf((byte)'/');
            int end = slash < 0 ? path.Length : start + slash;
            if (count < segments.Length)
            {
                segments[count] = new Range(start, end);
            }

            count++;
            if (slash < 0)
            {
                return count;
            }

            start = end + 1;
        }
    }

    /// <summary>
    /// Records the <paramref name="index"/>th route value of the matched route as a range of the
    /// request's <see cref="FcgiRequest.Path"/> (a segment, or for <c>{*rest}</c> everything after
    /// its start), so that the binder reads it without matching the path again.
    /// </summary>
    public static void SetRouteValue(FcgiRequest request, int index, Range range)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        request.SetRouteValue(index, range);
    }

    /// <summary>The <paramref name="index"/>th route value recorded by <see cref="SetRouteValue"/>, still percent-encoded.</summary>
    public static ReadOnlySpan<byte> GetRouteValue(FcgiRequest request, int index)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.GetRouteValue(index);
    }

    /// <summary>True when <paramref name="method"/> is GET or HEAD: GET routes answer both.</summary>
    public static bool IsGetOrHead(ReadOnlySpan<byte> method) => method.SequenceEqual("GET"u8) || method.SequenceEqual("HEAD"u8);

    /// <summary>
    /// Finds the first value of <paramref name="name"/> in a query string. Keys are compared after
    /// percent-decoding (<c>+</c> as space); the value is returned still encoded.
    /// </summary>
    /// <param name="queryString">The query string, without <c>?</c>.</param>
    /// <param name="name">The key, decoded, as UTF-8.</param>
    /// <param name="value">The encoded value; empty for <c>a=</c> and <c>a</c>.</param>
    public static bool TryGetQueryValue(ReadOnlySpan<byte> queryString, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        while (!queryString.IsEmpty)
        {
            int amp = queryString.IndexOf((byte)'&');
            ReadOnlySpan<byte> pair = amp < 0 ? queryString : queryString.Slice(0, amp);
            queryString = amp < 0 ? default : queryString.Slice(amp + 1);
            int equals = pair.IndexOf((byte)'=');
            ReadOnlySpan<byte> key = equals < 0 ? pair : pair.Slice(0, equals);
            if (EncodedEquals(key, name))
            {
                value = equals < 0 ? default : pair.Slice(equals + 1);
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/>, which must be at least as
    /// long. Malformed escapes (<c>%</c> not followed by two hex digits) are kept as they are.
    /// </summary>
    /// <returns>The decoded length.</returns>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination, FcgiValueEncoding encoding)
    {
        if (encoding == FcgiValueEncoding.None)
        {
            source.CopyTo(destination);
            return source.Length;
        }

        int written = 0;
        for (int i = 0; i < source.Length; i++)
        {
            byte b = source[i];
            if (b == (byte)'%' && i + 2 < source.Length && TryHex(source[i + 1], source[i + 2], out byte decoded) &&
                !(decoded == (byte)'/' && encoding == FcgiValueEncoding.PathRest))
            {
                destination[written++] = decoded;
                i += 2;
            }
            else if (b == (byte)'+' && encoding == FcgiValueEncoding.Query)
            {
                destination[written++] = (byte)' ';
            }
            else
            {
                destination[written++] = b;
            }
        }

        return written;
    }

    /// <summary>Decodes a value into a string (UTF-8, invalid sequences replaced).</summary>
    public static string GetString(ReadOnlySpan<byte> raw, FcgiValueEncoding encoding)
    {
        if (!NeedsDecoding(raw, encoding))
        {
            return Encoding.UTF8.GetString(raw);
        }

        byte[]? rented = null;
        Span<byte> buffer = raw.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            return Encoding.UTF8.GetString(buffer.Slice(0, Decode(raw, buffer, encoding)));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Parses a value of a type that parses UTF-8 (every number, <see cref="Guid"/>, …) with the invariant culture.</summary>
    public static bool TryParseUtf8<T>(ReadOnlySpan<byte> raw, FcgiValueEncoding encoding, out T value)
        where T : IUtf8SpanParsable<T>
    {
        if (!NeedsDecoding(raw, encoding))
        {
            return T.TryParse(raw, CultureInfo.InvariantCulture, out value!);
        }

        byte[]? rented = null;
        Span<byte> buffer = raw.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            return T.TryParse(buffer.Slice(0, Decode(raw, buffer, encoding)), CultureInfo.InvariantCulture, out value!);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Parses a value of a type that parses characters (<see cref="DateTime"/>, <see cref="TimeSpan"/>, …)
    /// with the invariant culture, transcoding the bytes on the stack rather than through a string.
    /// </summary>
    public static bool TryParseChars<T>(ReadOnlySpan<byte> raw, FcgiValueEncoding encoding, out T value)
        where T : ISpanParsable<T>
    {
        char[]? rented = null;
        Span<char> chars = raw.Length <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            int length = DecodeToChars(raw, encoding, chars);
            if (length < 0)
            {
                value = default!;
                return false;
            }

            return T.TryParse(chars.Slice(0, length), CultureInfo.InvariantCulture, out value!);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Parses <c>true</c> or <c>false</c>, in any case.</summary>
    public static bool TryParseBoolean(ReadOnlySpan<byte> raw, FcgiValueEncoding encoding, out bool value)
    {
        // Neither spelling needs escaping, and a value that does cannot be one of them.
        _ = encoding;
        if (Ascii.EqualsIgnoreCase(raw, "true"u8))
        {
            value = true;
            return true;
        }

        value = false;
        return Ascii.EqualsIgnoreCase(raw, "false"u8);
    }

    /// <summary>Parses an enum member by name (in any case) or by number.</summary>
    public static bool TryParseEnum<TEnum>(ReadOnlySpan<byte> raw, FcgiValueEncoding encoding, out TEnum value)
        where TEnum : struct, Enum
    {
        Span<char> chars = stackalloc char[StackLimit];
        int length = raw.Length <= StackLimit ? DecodeToChars(raw, encoding, chars) : -1;
        if (length <= 0)
        {
            value = default;
            return false;
        }

        return Enum.TryParse(chars.Slice(0, length), ignoreCase: true, out value);
    }

    /// <summary>
    /// Deserializes a JSON body with source-generated type info; false when it is not valid JSON for
    /// <typeparamref name="T"/>.
    /// </summary>
    public static bool TryReadJson<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> typeInfo, out T? value)
    {
        try
        {
            value = JsonSerializer.Deserialize(body, typeInfo);
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>Writes a number or another UTF-8-formattable value as invariant text.</summary>
    public static void WriteText<T>(FcgiResponse response, T value)
        where T : IUtf8SpanFormattable
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = TextPlain;
        int size = 64;
        while (true)
        {
            Span<byte> destination = response.GetSpan(size);
            if (value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture))
            {
                response.Advance(written);
                return;
            }

            size *= 2;
        }
    }

    /// <summary>Writes <c>true</c> or <c>false</c> as text.</summary>
    public static void WriteText(FcgiResponse response, bool value)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = TextPlain;
        response.Write(value ? "true"u8 : "false"u8);
    }

    /// <summary>Writes a string as <c>text/plain; charset=utf-8</c>.</summary>
    public static void WriteText(FcgiResponse response, string value)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = TextPlain;
        response.Write(value);
    }

    /// <summary>Writes a JSON value as <c>application/json; charset=utf-8</c>.</summary>
    public static void WriteJson<T>(FcgiResponse response, T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = "application/json; charset=utf-8";
        response.WriteJson(value, typeInfo);
    }

    /// <summary>Writes bytes as <c>application/octet-stream</c>.</summary>
    public static void WriteBytes(FcgiResponse response, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = "application/octet-stream";
        response.Write(value);
    }

    /// <summary>400 Bad Request: a required parameter is absent.</summary>
    public static ValueTask WriteMissingParameter(FcgiResponse response, string parameterName) =>
        WriteError(response, 400, $"Required parameter '{parameterName}' is missing.");

    /// <summary>400 Bad Request: a required <see cref="FcgiFile"/> parameter has no part of its name in the form.</summary>
    public static ValueTask WriteMissingFile(FcgiResponse response, string parameterName) =>
        WriteError(response, 400, $"Required file '{parameterName}' is missing.");

    /// <summary>400 Bad Request: a parameter's value does not parse.</summary>
    public static ValueTask WriteInvalidParameter(FcgiResponse response, string parameterName) =>
        WriteError(response, 400, $"Parameter '{parameterName}' has an invalid value.");

    /// <summary>404 Not Found: no route matches the path, or the handler returned null.</summary>
    public static ValueTask WriteNotFound(FcgiResponse response) => WriteError(response, 404, message: null);

    /// <summary>404 Not Found, as a method to call after an asynchronous handler returned null.</summary>
    public static void SetNotFound(FcgiResponse response) => WriteNotFound(response);

    /// <summary>405 Method Not Allowed, with the route's methods in <c>Allow</c>.</summary>
    public static ValueTask WriteMethodNotAllowed(FcgiResponse response, string allow)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(allow);
        ServerAnswers.WriteMethodNotAllowed(response, allow);
        return default;
    }

    private static ValueTask WriteError(FcgiResponse response, int statusCode, string? message)
    {
        ArgumentNullException.ThrowIfNull(response);
        ServerAnswers.Write(response, statusCode, message);
        return default;
    }

    private static bool NeedsDecoding(ReadOnlySpan<byte> raw, FcgiValueEncoding encoding) => encoding switch
    {
        FcgiValueEncoding.Path or FcgiValueEncoding.PathRest => raw.Contains((byte)'%'),
        FcgiValueEncoding.Query => raw.IndexOfAny((byte)'%', (byte)'+') >= 0,
        _ => false,
    };

    /// <summary>Decodes then transcodes UTF-8 to UTF-16; -1 when the bytes are not valid UTF-8.</summary>
    private static int DecodeToChars(ReadOnlySpan<byte> raw, FcgiValueEncoding encoding, Span<char> destination)
    {
        if (!NeedsDecoding(raw, encoding))
        {
            return ToUtf16(raw, destination);
        }

        byte[]? rented = null;
        Span<byte> decoded = raw.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            return ToUtf16(decoded.Slice(0, Decode(raw, decoded, encoding)), destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int ToUtf16(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        OperationStatus status = System.Text.Unicode.Utf8.ToUtf16(bytes, destination, out _, out int written, replaceInvalidSequences: false);
        return status == OperationStatus.Done ? written : -1;
    }

    private static bool EncodedEquals(ReadOnlySpan<byte> encodedKey, ReadOnlySpan<byte> name)
    {
        if (encodedKey.Length == name.Length && encodedKey.SequenceEqual(name))
        {
            return true;
        }

        // Only an escaped key can equal a name of another length or bytes.
        if (encodedKey.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return false;
        }

        int position = 0;
        for (int i = 0; i < encodedKey.Length; i++)
        {
            byte b = encodedKey[i];
            if (b == (byte)'%' && i + 2 < encodedKey.Length && TryHex(encodedKey[i + 1], encodedKey[i + 2], out byte decoded))
            {
                b = decoded;
                i += 2;
            }
            else if (b == (byte)'+')
            {
                b = (byte)' ';
            }

            if (position >= name.Length || name[position] != b)
            {
                return false;
            }

            position++;
        }

        return position == name.Length;
    }

    private static bool TryHex(byte high, byte low, out byte value)
    {
        int h = HexValue(high);
        int l = HexValue(low);
        value = (byte)((h << 4) | l);
        return (h | l) >= 0;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Enumerates every value of <paramref name="name"/> in a query string or an
    /// <c>application/x-www-form-urlencoded</c> body (one syntax), in order: <c>tag=a&amp;tag=b</c>
    /// gives <c>a</c> then <c>b</c>. Names compare as in <see cref="TryGetQueryValue"/>; values are
    /// returned encoded, as views over <paramref name="form"/>. Allocates nothing.
    /// </summary>
    /// <param name="form">The query string (without <c>?</c>) or the body.</param>
    /// <param name="name">The name, decoded, as UTF-8.</param>
    public static FcgiFormValueEnumerator EnumerateFormValues(ReadOnlySpan<byte> form, ReadOnlySpan<byte> name) => new(form, name);

    /// <summary>
    /// Enumerates the fields of a query string or an <c>application/x-www-form-urlencoded</c> body,
    /// encoded, in order; empty fields (<c>a&amp;&amp;b</c>) are skipped. Allocates nothing.
    /// </summary>
    public static FcgiFormFieldEnumerator EnumerateFormFields(ReadOnlySpan<byte> form) => new(form);

    /// <summary>
    /// Counts the fields <see cref="EnumerateFormFields"/> would return, so that a limit on the
    /// number of fields can be checked before anything is bound.
    /// </summary>
    public static int CountFormFields(ReadOnlySpan<byte> form)
    {
        int count = 0;
        FcgiFormFieldEnumerator fields = EnumerateFormFields(form);
        while (fields.MoveNext())
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Finds the first cookie named <paramref name="name"/> (case-sensitive) in a <c>Cookie</c>
    /// request header (the CGI parameter <c>HTTP_COOKIE</c>). The value is returned as sent, without
    /// surrounding DQUOTEs and not percent-decoded (RFC 6265 defines no encoding): bind it with
    /// <see cref="FcgiValueEncoding.None"/>. Allocates nothing.
    /// </summary>
    /// <param name="cookieHeader">The header's value, e.g. <c>a=1; b="2"</c>.</param>
    /// <param name="name">The cookie's name.</param>
    /// <param name="value">The value, a view over <paramref name="cookieHeader"/>.</param>
    public static bool TryGetCookieValue(ReadOnlySpan<byte> cookieHeader, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value) =>
        Http.CookieHeaderReader.TryGetValue(cookieHeader, name, out value);

    /// <summary>
    /// True when the Content-Type <paramref name="contentType"/> has the media type
    /// <paramref name="mediaType"/> (<c>type/subtype</c>), compared case-insensitively, whatever its
    /// parameters: <c>Application/X-WWW-Form-Urlencoded; charset=utf-8</c> is
    /// <c>application/x-www-form-urlencoded</c>.
    /// </summary>
    public static bool IsMediaType(ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> mediaType) =>
        Http.MediaTypeHeader.MediaTypeEquals(contentType, mediaType);

    /// <summary>The key comparison of <see cref="TryGetQueryValue"/>, for the form enumerators.</summary>
    internal static bool FormNameEquals(ReadOnlySpan<byte> encodedName, ReadOnlySpan<byte> name) => EncodedEquals(encodedName, name);

    /// <summary>
    /// Finds the first value of a field of the request's form (urlencoded or multipart), and how it
    /// is encoded; reading the form from the body first if the server has not.
    /// </summary>
    /// <exception cref="FcgiHttpException">The body is not a readable form (400, 413, 507): the server answers with it.</exception>
    public static bool TryGetFormValue(FcgiRequest request, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value, out FcgiValueEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Form.TryGetRaw(name, out value, out encoding);
    }

    /// <summary>Every value of a field of the request's form, in order: binds <c>T[]</c> and <c>List&lt;T&gt;</c> form parameters.</summary>
    /// <exception cref="FcgiHttpException">The body is not a readable form.</exception>
    public static FcgiFormValues EnumerateFormValues(FcgiRequest request, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Form.Enumerate(name);
    }

    /// <summary>The first file uploaded under <paramref name="name"/> in a multipart form.</summary>
    /// <exception cref="FcgiHttpException">The body is not a readable form.</exception>
    public static bool TryGetFile(FcgiRequest request, ReadOnlySpan<byte> name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FcgiFile? file)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Form.TryGetFile(name, out file);
    }

    /// <summary>Every file uploaded under <paramref name="name"/>, in order: binds <c>FcgiFile[]</c> and <c>List&lt;FcgiFile&gt;</c>.</summary>
    /// <exception cref="FcgiHttpException">The body is not a readable form.</exception>
    public static System.Collections.Generic.List<FcgiFile> GetFiles(FcgiRequest request, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Form.GetFiles(name);
    }

    /// <summary>Finds a cookie of the request's <c>Cookie</c> header (HTTP_COOKIE), as sent: bind it with <see cref="FcgiValueEncoding.None"/>.</summary>
    public static bool TryGetCookie(FcgiRequest request, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TryGetCookieValue(request.GetParam("HTTP_COOKIE"u8), name, out value);
    }
}
