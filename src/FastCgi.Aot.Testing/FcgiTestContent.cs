using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FastCgi.Aot.Testing.Internal;

namespace FastCgi.Aot.Testing;

/// <summary>
/// A request body with its media type, as the request's <c>CONTENT_TYPE</c> and
/// <c>CONTENT_LENGTH</c> will announce it. Immutable: one instance may be sent many times.
/// </summary>
/// <remarks>
/// Every factory produces the bytes a browser or an HTTP client would send, so the application
/// parses them with its real binding: urlencoded forms as the WHATWG serializer writes them,
/// multipart bodies by <see cref="FcgiTestMultipart"/>, JSON through source-generated type info
/// (no reflection, so the test project may itself be trimmed or AOT-compiled).
/// </remarks>
public sealed class FcgiTestContent
{
    /// <summary>The media type of <c>text/plain</c> bodies made by <see cref="Text"/> unless told otherwise.</summary>
    public const string TextPlainUtf8 = "text/plain; charset=utf-8";

    /// <summary>The media type of JSON bodies.</summary>
    public const string JsonUtf8 = "application/json; charset=utf-8";

    /// <summary>The media type of urlencoded forms.</summary>
    public const string FormUrlEncoded = "application/x-www-form-urlencoded";

    private FcgiTestContent(ReadOnlyMemory<byte> body, string? contentType)
    {
        Body = body;
        ContentType = contentType;
    }

    /// <summary>The body's bytes.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The <c>Content-Type</c> the request announces; null for none (an empty <c>CONTENT_TYPE</c>).</summary>
    public string? ContentType { get; }

    /// <summary>Raw bytes, sent as they are.</summary>
    /// <param name="body">The body. It is not copied: do not change it while a request uses it.</param>
    /// <param name="contentType">The media type, or null to send none.</param>
    public static FcgiTestContent Bytes(ReadOnlyMemory<byte> body, string? contentType = "application/octet-stream") =>
        new(body, ValidateContentType(contentType));

    /// <summary>Text, encoded as UTF-8.</summary>
    /// <param name="text">The text.</param>
    /// <param name="contentType">The media type; <c>text/plain; charset=utf-8</c> unless told otherwise.</param>
    public static FcgiTestContent Text(string text, string? contentType = TextPlainUtf8)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FcgiTestContent(Encoding.UTF8.GetBytes(text), ValidateContentType(contentType));
    }

    /// <summary>A value serialized as JSON with its source-generated type info, as <c>application/json; charset=utf-8</c>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">Its type info, from a <c>JsonSerializerContext</c> (for example <c>AppJsonContext.Default.Note</c>).</param>
    /// <typeparam name="T">The value's type.</typeparam>
    public static FcgiTestContent Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new FcgiTestContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), JsonUtf8);
    }

    /// <summary>
    /// An <c>application/x-www-form-urlencoded</c> form: the fields in order, repeated names
    /// allowed (<c>tag=a&amp;tag=b</c>), names and values encoded as a browser encodes them
    /// (a space as <c>+</c>, other bytes but <c>*-._</c> and alphanumerics as UTF-8 <c>%XX</c>).
    /// </summary>
    /// <param name="fields">The fields, as (name, value) pairs.</param>
    public static FcgiTestContent Form(params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var pairs = new List<KeyValuePair<string, string>>(fields.Length);
        foreach ((string name, string value) in fields)
        {
            pairs.Add(new KeyValuePair<string, string>(name, value));
        }

        return Form(pairs);
    }

    /// <summary>An <c>application/x-www-form-urlencoded</c> form; see <see cref="Form(ValueTuple{string, string}[])"/>.</summary>
    /// <param name="fields">The fields in order; a name may repeat.</param>
    public static FcgiTestContent Form(IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var builder = new StringBuilder();
        foreach (KeyValuePair<string, string> field in fields)
        {
            ArgumentNullException.ThrowIfNull(field.Key, nameof(fields));
            ArgumentNullException.ThrowIfNull(field.Value, nameof(fields));
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            UrlEncoding.AppendFormComponent(builder, field.Key);
            builder.Append('=');
            UrlEncoding.AppendFormComponent(builder, field.Value);
        }

        return new FcgiTestContent(Encoding.ASCII.GetBytes(builder.ToString()), FormUrlEncoded);
    }

    /// <summary>A <c>multipart/form-data</c> body (RFC 7578) with fields and files; see <see cref="FcgiTestMultipart"/>.</summary>
    /// <param name="multipart">The parts.</param>
    public static FcgiTestContent Multipart(FcgiTestMultipart multipart)
    {
        ArgumentNullException.ThrowIfNull(multipart);
        byte[] body = multipart.ToBytes();     // first: it may choose a new boundary
        return new FcgiTestContent(body, multipart.ContentType);
    }

    /// <inheritdoc />
    public override string ToString() => $"{ContentType ?? "(no type)"}, {Body.Length} bytes";

    private static string? ValidateContentType(string? contentType)
    {
        if (contentType is not null && contentType.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("A Content-Type cannot contain CR, LF or NUL.", nameof(contentType));
        }

        return contentType;
    }
}
