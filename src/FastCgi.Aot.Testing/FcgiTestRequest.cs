using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Testing.Internal;

namespace FastCgi.Aot.Testing;

/// <summary>
/// A request to send with <see cref="FcgiTestClient.SendAsync"/>: a method and a target, then
/// whatever the test needs, added fluently. The client turns it into the CGI parameters and body
/// nginx would send for the same HTTP request.
/// </summary>
/// <example>
/// <code>
/// var response = await client.SendAsync(FcgiTestRequest.Post("/notes")
///     .WithQuery("draft", "true")
///     .WithHeader("X-Request-Id", "42")
///     .WithCookie("sid", "s3cret")
///     .WithForm(("title", "Groceries"), ("tag", "home"), ("tag", "weekly")));
/// </code>
/// </example>
/// <remarks>
/// A request is a builder: the <c>With…</c> methods change it and return it. The client reads it
/// when it is sent, so one request may be sent several times, and changed in between.
/// </remarks>
public sealed class FcgiTestRequest
{
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private readonly List<KeyValuePair<string, string>> _cookies = [];
    private readonly List<KeyValuePair<string, string>> _params = [];
    private string _path;
    private string _query;

    /// <summary>Starts a request.</summary>
    /// <param name="method">The HTTP method, a token such as <c>GET</c> or <c>POST</c>.</param>
    /// <param name="target">
    /// The path and query as a browser's address bar has them, starting with <c>/</c>:
    /// <c>/users/7?expand=true</c>. Keep reserved characters percent-encoded as they would be on
    /// the wire (<c>/files/a%2Fb</c>); spaces and non-ASCII characters are encoded for you, and a
    /// <c>#fragment</c> is dropped, as a browser does.
    /// </param>
    public FcgiTestRequest(string method, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (!HttpSyntax.IsToken(method))
        {
            throw new ArgumentException($"The method '{method}' is not an HTTP token.", nameof(method));
        }

        if (target[0] != '/')
        {
            throw new ArgumentException($"A request target starts with '/': '{target}'.", nameof(target));
        }

        target = UrlEncoding.NormalizeTarget(target);
        int question = target.IndexOf('?', StringComparison.Ordinal);
        _path = question < 0 ? target : target.Substring(0, question);
        _query = question < 0 ? "" : target.Substring(question + 1);
        Method = method;
    }

    /// <summary>The HTTP method (REQUEST_METHOD).</summary>
    public string Method { get; }

    /// <summary>The path, percent-encoded as sent (the path of REQUEST_URI).</summary>
    public string Path => _path;

    /// <summary>The query string without <c>?</c>, percent-encoded as sent (QUERY_STRING); empty when there is none.</summary>
    public string QueryString => _query;

    /// <summary>The request target as sent (REQUEST_URI): the path, then <c>?</c> and the query string when there is one.</summary>
    public string Target => _query.Length == 0 ? _path : _path + "?" + _query;

    /// <summary>The FastCGI role the request asks the application to play; Responder unless set.</summary>
    public FcgiRole Role { get; private set; } = FcgiRole.Responder;

    /// <summary>The body, or null for none.</summary>
    public FcgiTestContent? Content { get; private set; }

    /// <summary>The Filter role's DATA stream (the file to filter); empty unless set.</summary>
    public ReadOnlyMemory<byte> Data { get; private set; }

    /// <summary>The Filter role's file modification time (FCGI_DATA_LAST_MOD); null unless set.</summary>
    public DateTimeOffset? DataLastModified { get; private set; }

    /// <summary>Whether the request comes over HTTPS; null to follow <see cref="FcgiTestClientOptions.Https"/>.</summary>
    public bool? Https { get; private set; }

    /// <summary>The headers added with <see cref="WithHeader"/>, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>The cookies added with <see cref="WithCookie"/>, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Cookies => _cookies;

    /// <summary>The CGI parameters added with <see cref="WithParam"/>, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Params => _params;

    /// <summary>A GET request.</summary>
    /// <param name="target">The path and query; see <see cref="FcgiTestRequest(string, string)"/>.</param>
    public static FcgiTestRequest Get(string target) => new("GET", target);

    /// <summary>A POST request; add its body with <see cref="WithForm(ValueTuple{string, string}[])"/>, <see cref="WithJson"/>, <see cref="WithMultipart"/> or another <c>With…</c>.</summary>
    /// <param name="target">The path and query; see <see cref="FcgiTestRequest(string, string)"/>.</param>
    public static FcgiTestRequest Post(string target) => new("POST", target);

    /// <summary>A PUT request.</summary>
    /// <param name="target">The path and query; see <see cref="FcgiTestRequest(string, string)"/>.</param>
    public static FcgiTestRequest Put(string target) => new("PUT", target);

    /// <summary>A PATCH request.</summary>
    /// <param name="target">The path and query; see <see cref="FcgiTestRequest(string, string)"/>.</param>
    public static FcgiTestRequest Patch(string target) => new("PATCH", target);

    /// <summary>A DELETE request.</summary>
    /// <param name="target">The path and query; see <see cref="FcgiTestRequest(string, string)"/>.</param>
    public static FcgiTestRequest Delete(string target) => new("DELETE", target);

    /// <summary>A HEAD request: the application runs the GET route and the answer has its headers and no body.</summary>
    /// <param name="target">The path and query; see <see cref="FcgiTestRequest(string, string)"/>.</param>
    public static FcgiTestRequest Head(string target) => new("HEAD", target);

    /// <summary>
    /// A request for the Authorizer role (FastCGI 1.0 §6.3): the application's <c>[FcgiAuthorizer]</c>
    /// decides whether a GET of <paramref name="target"/> may go on. It carries no body, and the
    /// parameters have no CONTENT_LENGTH or SCRIPT_NAME, as §6.3 says.
    /// </summary>
    /// <param name="target">The path and query of the request being authorized.</param>
    public static FcgiTestRequest Authorizer(string target) => Get(target).WithRole(FcgiRole.Authorizer);

    /// <summary>
    /// A request for the Filter role (FastCGI 1.0 §6.4): the application's <c>[FcgiFilter]</c>
    /// filters <paramref name="data"/>, the file a GET of <paramref name="target"/> asked for.
    /// </summary>
    /// <param name="target">The path and query of the request.</param>
    /// <param name="data">The file to filter, sent as the DATA stream, its length as FCGI_DATA_LENGTH.</param>
    /// <param name="lastModified">The file's modification time, sent as FCGI_DATA_LAST_MOD (seconds since 1970); the Unix epoch when null.</param>
    public static FcgiTestRequest Filter(string target, ReadOnlyMemory<byte> data, DateTimeOffset? lastModified = null) =>
        Get(target).WithData(data, lastModified);

    /// <summary>Adds a query parameter, encoded as a browser encodes a form field (a space as <c>+</c>, other bytes as UTF-8 <c>%XX</c>).</summary>
    /// <param name="name">The parameter's name, not encoded.</param>
    /// <param name="value">Its value, not encoded.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithQuery(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var query = new StringBuilder(_query);
        if (query.Length > 0)
        {
            query.Append('&');
        }

        UrlEncoding.AppendFormComponent(query, name);
        query.Append('=');
        UrlEncoding.AppendFormComponent(query, value);
        _query = query.ToString();
        return this;
    }

    /// <summary>
    /// Adds a request header. The application reads it as the web server passes it: the CGI
    /// parameter <c>HTTP_</c> + the name upper-cased with <c>-</c> as <c>_</c> (the runtime's own
    /// rule), <c>Content-Type</c> and <c>Content-Length</c> as CONTENT_TYPE and CONTENT_LENGTH,
    /// which then replace those of the body (to test a wrong length, for instance). A header added
    /// more than once is joined into one parameter with <c>, </c>, as nginx joins repeated headers.
    /// </summary>
    /// <param name="name">A header name (an HTTP token), for example <c>User-Agent</c>.</param>
    /// <param name="value">The value; no CR, LF or NUL.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithHeader(string name, string value)
    {
        CgiParameters.ValidateHeader(name, value);
        _headers.Add(new KeyValuePair<string, string>(name, value));
        return this;
    }

    /// <summary>
    /// Adds a cookie to the request's <c>Cookie</c> header, after those of the client's jar; a
    /// cookie of the same name in the jar is not sent with this request.
    /// </summary>
    /// <param name="name">A token (RFC 6265 §4.1.1).</param>
    /// <param name="value">Cookie octets, optionally quoted; nothing is encoded (to send any other text, encode it first, as the application must decode it).</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithCookie(string name, string value)
    {
        CookieSyntax.ValidatePair(name, value);
        _cookies.Add(new KeyValuePair<string, string>(name, value));
        return this;
    }

    /// <summary>
    /// Sets a CGI parameter, replacing the one the client would send under that name: for
    /// example <c>REMOTE_USER</c> after HTTP authentication, or <c>SERVER_PROTOCOL</c>.
    /// </summary>
    /// <param name="name">The parameter's exact name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithParam(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _params.RemoveAll(pair => pair.Key == name);
        _params.Add(new KeyValuePair<string, string>(name, value));
        return this;
    }

    /// <summary>Sets the body.</summary>
    /// <param name="content">The body and its type; see <see cref="FcgiTestContent"/>.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithContent(FcgiTestContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
        return this;
    }

    /// <summary>Sets raw bytes as the body; see <see cref="FcgiTestContent.Bytes"/>.</summary>
    /// <param name="body">The bytes.</param>
    /// <param name="contentType">Their media type, or null for none.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithBody(ReadOnlyMemory<byte> body, string? contentType = "application/octet-stream") =>
        WithContent(FcgiTestContent.Bytes(body, contentType));

    /// <summary>Sets text as the body, UTF-8; see <see cref="FcgiTestContent.Text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="contentType">Its media type; <c>text/plain; charset=utf-8</c> unless told otherwise.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithText(string text, string? contentType = FcgiTestContent.TextPlainUtf8) =>
        WithContent(FcgiTestContent.Text(text, contentType));

    /// <summary>Sets a value serialized as JSON as the body; see <see cref="FcgiTestContent.Json"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">Its source-generated type info.</param>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithJson<T>(T value, JsonTypeInfo<T> typeInfo) => WithContent(FcgiTestContent.Json(value, typeInfo));

    /// <summary>Sets an urlencoded form as the body; see <see cref="FcgiTestContent.Form(ValueTuple{string, string}[])"/>.</summary>
    /// <param name="fields">The fields, as (name, value) pairs; a name may repeat.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithForm(params (string Name, string Value)[] fields) => WithContent(FcgiTestContent.Form(fields));

    /// <summary>Sets an urlencoded form as the body; see <see cref="FcgiTestContent.Form(IEnumerable{KeyValuePair{string, string}})"/>.</summary>
    /// <param name="fields">The fields in order; a name may repeat.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithForm(IEnumerable<KeyValuePair<string, string>> fields) => WithContent(FcgiTestContent.Form(fields));

    /// <summary>Sets a <c>multipart/form-data</c> body; see <see cref="FcgiTestMultipart"/>.</summary>
    /// <param name="multipart">The fields and files.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithMultipart(FcgiTestMultipart multipart) => WithContent(FcgiTestContent.Multipart(multipart));

    /// <summary>Sends the request as if it came over HTTPS (or not), whatever the client's <see cref="FcgiTestClientOptions.Https"/>.</summary>
    /// <param name="https">True for HTTPS.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithHttps(bool https = true)
    {
        Https = https;
        return this;
    }

    /// <summary>Sets the FastCGI role; <see cref="Authorizer"/> and <see cref="Filter"/> do it for you.</summary>
    /// <param name="role">The role.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithRole(FcgiRole role)
    {
        if (role is not (FcgiRole.Responder or FcgiRole.Authorizer or FcgiRole.Filter))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "FastCGI 1.0 defines the roles Responder, Authorizer and Filter.");
        }

        Role = role;
        return this;
    }

    /// <summary>Makes the request a Filter request with <paramref name="data"/> as its DATA stream; see <see cref="Filter"/>.</summary>
    /// <param name="data">The file to filter.</param>
    /// <param name="lastModified">Its modification time; the Unix epoch when null.</param>
    /// <returns>This request.</returns>
    public FcgiTestRequest WithData(ReadOnlyMemory<byte> data, DateTimeOffset? lastModified = null)
    {
        Role = FcgiRole.Filter;
        Data = data;
        DataLastModified = lastModified;
        return this;
    }

    /// <inheritdoc />
    public override string ToString() =>
        Role == FcgiRole.Responder
            ? string.Create(CultureInfo.InvariantCulture, $"{Method} {Target}")
            : string.Create(CultureInfo.InvariantCulture, $"{Method} {Target} ({Role})");
}
