using System;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FastCgi.Aot;

/// <summary>Factories of the common <see cref="FcgiResult"/> values.</summary>
public static class FcgiResults
{
    private const string TextPlain = "text/plain; charset=utf-8";

    /// <summary>
    /// 200 OK with no body: what an authorizer returns to let a request through, with
    /// <c>.WithHeader("Variable-NAME", value)</c> for each variable it passes to the web server.
    /// </summary>
    public static FcgiResult Ok() => new(200);

    /// <summary>200 OK with a text body.</summary>
    public static FcgiResult Ok(string text) => Text(text);

    /// <summary>A text body as <c>text/plain; charset=utf-8</c> (or <paramref name="contentType"/>), with a status.</summary>
    public static FcgiResult Text(string text, string contentType = TextPlain, int statusCode = 200)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new FcgiResult(statusCode, contentType, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A byte body, with a status.</summary>
    public static FcgiResult Bytes(ReadOnlyMemory<byte> body, string contentType = "application/octet-stream", int statusCode = 200) =>
        new(statusCode, contentType, body);

    /// <summary>A JSON body serialized with source-generated type info, with a status.</summary>
    public static FcgiResult Json<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode = 200)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new FcgiResult(statusCode, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
    }

    /// <summary>A status with no body.</summary>
    public static FcgiResult Status(int statusCode) => new(statusCode);

    /// <summary>204 No Content.</summary>
    public static FcgiResult NoContent() => new(204);

    /// <summary>400 Bad Request, with an optional text explaining why.</summary>
    public static FcgiResult BadRequest(string? message = null) => message is null ? new(400) : Text(message, statusCode: 400);

    /// <summary>401 Unauthorized, with an optional text; an authorizer's denial goes to the client as it is.</summary>
    public static FcgiResult Unauthorized(string? message = null) => message is null ? new(401) : Text(message, statusCode: 401);

    /// <summary>403 Forbidden, with an optional text.</summary>
    public static FcgiResult Forbidden(string? message = null) => message is null ? new(403) : Text(message, statusCode: 403);

    /// <summary>404 Not Found, with an optional text.</summary>
    public static FcgiResult NotFound(string? message = null) => message is null ? new(404) : Text(message, statusCode: 404);

    /// <summary>409 Conflict, with an optional text.</summary>
    public static FcgiResult Conflict(string? message = null) => message is null ? new(409) : Text(message, statusCode: 409);

    /// <summary>
    /// A redirect to <paramref name="location"/>: 302 Found, or 301 Moved Permanently when
    /// <paramref name="permanent"/>; with <paramref name="preserveMethod"/>, 307 or 308.
    /// </summary>
    public static FcgiResult Redirect(string location, bool permanent = false, bool preserveMethod = false)
    {
        ArgumentNullException.ThrowIfNull(location);
        int status = (permanent, preserveMethod) switch
        {
            (false, false) => 302,
            (true, false) => 301,
            (false, true) => 307,
            (true, true) => 308,
        };
        return new FcgiResult(status).WithHeader("Location", location);
    }

    /// <summary>
    /// 303 See Other to <paramref name="location"/>: the answer to a form's POST, so that the browser
    /// GETs the next page and a reload does not post the form again (RFC 9110 §15.4.4).
    /// </summary>
    public static FcgiResult SeeOther(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new FcgiResult(303).WithHeader("Location", location);
    }

    /// <summary>201 Created with no body; <paramref name="location"/> names the new resource (RFC 9110 §15.3.2).</summary>
    public static FcgiResult Created(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new FcgiResult(201).WithHeader("Location", location);
    }

    /// <summary>201 Created with a text body (<c>text/plain; charset=utf-8</c>, or <paramref name="contentType"/>); <paramref name="location"/> names the new resource.</summary>
    public static FcgiResult Created(string location, string text, string contentType = TextPlain)
    {
        ArgumentNullException.ThrowIfNull(location);
        return Text(text, contentType, 201).WithHeader("Location", location);
    }

    /// <summary>201 Created with the new resource as JSON, serialized with source-generated type info; <paramref name="location"/> names it.</summary>
    public static FcgiResult Created<T>(string location, T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(location);
        return Json(value, typeInfo, 201).WithHeader("Location", location);
    }
}
