using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

[assembly: FastCgi.Aot.FcgiJsonContext(typeof(FastCgi.Aot.Testing.TestApp.TestAppJsonContext))]

namespace FastCgi.Aot.Testing.TestApp;

/// <summary>Routes that exercise each kind of request the test client sends, and each kind of answer.</summary>
public static class Routes
{
    public static readonly FcgiCookieOptions SessionCookie = new() { Path = "/", HttpOnly = true, SameSite = FcgiSameSite.Lax };

    private static readonly ConcurrentDictionary<int, Note> s_notes = new();
    private static int s_nextId = 100;

    [FcgiRoute("/hello")]
    public static string Hello() => "Hello, World!";

    [FcgiRoute("/add")]
    public static int Add(int a, int b) => a + b;

    /// <summary>A string and a defaulted number from the query, decoded by the runtime.</summary>
    [FcgiRoute("/search")]
    public static string Search(string q, int page = 1) => q + "|" + page.ToString(CultureInfo.InvariantCulture);

    /// <summary>The path as routed: a segment, percent-decoded.</summary>
    [FcgiRoute("/files/{name}")]
    public static string File(string name) => name;

    [FcgiRoute("/headers")]
    public static string Headers([FcgiHeader("X-Trace")] string? trace, [FcgiHeader("Accept-Language")] string? language) =>
        (trace ?? "(none)") + "|" + (language ?? "(none)");

    [FcgiRoute("/notes/{id}")]
    public static Note? GetNote(int id) => s_notes.TryGetValue(id, out Note? note) ? note : null;

    [FcgiRoute("/notes", Method = "POST")]
    public static FcgiResult CreateNote(Note note)
    {
        int id = Interlocked.Increment(ref s_nextId);
        Note created = note with { Id = id };
        s_notes[id] = created;
        return FcgiResults.Created("/notes/" + id.ToString(CultureInfo.InvariantCulture), created, TestAppJsonContext.Default.Note);
    }

    [FcgiRoute("/notes/{id}", Method = "DELETE")]
    public static FcgiResult DeleteNote(int id) => s_notes.TryRemove(id, out _) ? FcgiResults.NoContent() : FcgiResults.NotFound();

    [FcgiRoute("/notes/{id}", Method = "PUT")]
    public static FcgiResult ReplaceNote(int id, Note note)
    {
        s_notes[id] = note with { Id = id };
        return FcgiResults.NoContent();
    }

    /// <summary>The body byte for byte, with the request's Content-Type.</summary>
    [FcgiRoute("/echo", Method = "POST")]
    public static ValueTask Echo(FcgiRequest request, FcgiResponse response)
    {
        response.ContentType = request.GetParamString("CONTENT_TYPE") is { Length: > 0 } type ? type : "application/octet-stream";
        return response.WriteAsync(request.BodyMemory, request.Aborted);
    }

    /// <summary>Every CGI parameter, one <c>NAME=value</c> line each, in the order received.</summary>
    [FcgiRoute("/params")]
    [FcgiRoute("/params", Method = "POST")]
    public static void Params(FcgiRequest request, FcgiResponse response)
    {
        response.ContentType = "text/plain; charset=utf-8";
        foreach (FcgiParam param in request.Params)
        {
            response.Write(param.Name);
            response.Write("="u8);
            response.Write(param.Value);
            response.Write("\n"u8);
        }
    }

    /// <summary>The fields of an urlencoded form, decoded, one <c>name=value</c> line each.</summary>
    [FcgiRoute("/form", Method = "POST")]
    public static FcgiResult Form(FcgiRequest request)
    {
        if (!FcgiBinding.IsMediaType(request.GetParam("CONTENT_TYPE"u8), "application/x-www-form-urlencoded"u8))
        {
            return FcgiResults.Status(415);
        }

        var text = new StringBuilder();
        foreach (FcgiFormField field in FcgiBinding.EnumerateFormFields(request.Body))
        {
            text.Append(FcgiBinding.GetString(field.EncodedName, FcgiValueEncoding.Query))
                .Append('=')
                .Append(FcgiBinding.GetString(field.EncodedValue, FcgiValueEncoding.Query))
                .Append('\n');
        }

        return FcgiResults.Text(text.ToString());
    }

    /// <summary>The parts of a multipart/form-data body: <c>name|filename|type|length|text</c> per line.</summary>
    [FcgiRoute("/upload", Method = "POST")]
    public static FcgiResult Upload(FcgiRequest request)
    {
        var text = new StringBuilder();
        foreach (MultipartPart part in MultipartForm.Parse(request.Body, request.GetParamString("CONTENT_TYPE") ?? ""))
        {
            text.Append(part.Name).Append('|')
                .Append(part.FileName ?? "(field)").Append('|')
                .Append(part.ContentType ?? "(none)").Append('|')
                .Append(part.Content.Length.ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(Encoding.UTF8.GetString(part.Content)).Append('\n');
        }

        return FcgiResults.Text(text.ToString());
    }

    /// <summary>The request's Cookie header as the application received it.</summary>
    [FcgiRoute("/cookies")]
    [FcgiRoute("/account/cookies")]
    public static string Cookies([FcgiHeader("Cookie")] string? cookie) => cookie ?? "(none)";

    [FcgiRoute("/login", Method = "POST")]
    public static FcgiResult LogIn(FcgiRequest request)
    {
        FcgiFormValueEnumerator users = FcgiBinding.EnumerateFormValues(request.Body, "user"u8);
        if (!users.MoveNext() || users.Current.IsEmpty)
        {
            return FcgiResults.Unauthorized("Who are you?");
        }

        string user = FcgiBinding.GetString(users.Current, FcgiValueEncoding.Query);
        return FcgiResults.SeeOther("/me")
            .WithCookie("sid", "session-" + user, SessionCookie)
            .WithCookie("theme", "dark", new FcgiCookieOptions { Path = "/account", MaxAge = TimeSpan.FromHours(1) })
            .WithCookie("secret", "s3cret", new FcgiCookieOptions { Path = "/", Secure = true });
    }

    [FcgiRoute("/logout", Method = "POST")]
    public static FcgiResult LogOut() => FcgiResults.SeeOther("/").DeleteCookie("sid", SessionCookie);

    [FcgiRoute("/me")]
    public static FcgiResult Me(FcgiRequest request) =>
        request.TryGetParam("HTTP_COOKIE"u8, out ReadOnlySpan<byte> cookies) &&
        FcgiBinding.TryGetCookieValue(cookies, "sid"u8, out ReadOnlySpan<byte> sid)
            ? FcgiResults.Text(Encoding.UTF8.GetString(sid))
            : FcgiResults.Unauthorized();

    [FcgiRoute("/fail")]
    public static string Fail() => throw new InvalidOperationException("the handler failed on purpose");

    /// <summary>Writes a line to FCGI_STDERR and answers.</summary>
    [FcgiRoute("/log")]
    public static string Log(FcgiResponse response)
    {
        response.WriteError("a line for the web server's error log");
        return "logged";
    }

    /// <summary>Sends part of its answer, then fails: the server must cut the answer off.</summary>
    [FcgiRoute("/partial")]
    public static async ValueTask Partial(FcgiResponse response, CancellationToken aborted)
    {
        response.ContentType = "text/plain";
        await response.WriteAsync(Encoding.ASCII.GetBytes("first part;"), aborted).ConfigureAwait(false);
        await response.FlushAsync(aborted).ConfigureAwait(false);
        throw new InvalidOperationException("failed after the answer started");
    }

    /// <summary>Waits for <paramref name="ms"/> milliseconds or the request's abort, and records an abort under <paramref name="tag"/>.</summary>
    [FcgiRoute("/slow")]
    public static async ValueTask<string> Slow(int ms, string? tag, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(ms, aborted).ConfigureAwait(false);
            return "slept";
        }
        catch (OperationCanceledException)
        {
            if (tag is not null)
            {
                Aborted(tag).TrySetResult();
            }

            throw;
        }
    }

    /// <summary>Completes when a <see cref="Slow"/> request with this tag sees its request aborted; tests use a tag of their own.</summary>
    public static TaskCompletionSource Aborted(string tag) =>
        s_aborted.GetOrAdd(tag, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_aborted = new();

    /// <summary>A body of <paramref name="bytes"/> bytes, to make answers span several records.</summary>
    [FcgiRoute("/bytes")]
    public static byte[] Bytes(int bytes)
    {
        byte[] body = new byte[bytes];
        for (int i = 0; i < body.Length; i++)
        {
            body[i] = (byte)('a' + (i % 26));
        }

        return body;
    }
}
