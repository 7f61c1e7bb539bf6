using System;
using FastCgi.Aot.Http;

namespace FastCgi.Aot;

/// <summary>
/// What the server knows about the handler a request goes to, decided when the request's
/// parameters are complete and before its body is read: how to run it and how much body it takes.
/// </summary>
/// <remarks>
/// <para>The source generator emits one static instance per handler (and one per set of methods a
/// path allows, for 405 answers), so matching a request allocates nothing. A hand-written
/// <see cref="IFcgiApplication"/> may return its own instances from
/// <see cref="IFcgiApplication.Match"/>, or none.</para>
/// <para>Instances are immutable and shared by every request; do not create one per request.</para>
/// </remarks>
public sealed class FcgiEndpoint
{
    /// <summary>The id of <see cref="NotFound"/>.</summary>
    public const int NotFoundId = -1;

    /// <summary>The id of every endpoint made by <see cref="MethodNotAllowed"/>.</summary>
    public const int MethodNotAllowedId = -2;

    /// <summary>Describes a handler.</summary>
    /// <param name="id">The application's own number for the handler, 0 or more; the generated dispatcher switches on it.</param>
    /// <param name="displayName">How logs name the handler, for example <c>GET /users/{id} (Api.GetUser)</c>.</param>
    /// <param name="blocking">True when the handler may block its thread: it then runs on the server's worker threads, not on an I/O thread.</param>
    /// <param name="maxBodyBytes">The most request body (or Filter data) bytes the handler takes; -1 for the server's <c>--max-body-bytes</c>.</param>
    public FcgiEndpoint(int id, string displayName, bool blocking = false, long maxBodyBytes = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentNullException.ThrowIfNull(displayName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBodyBytes, -1);
        Id = id;
        DisplayName = displayName;
        Blocking = blocking;
        MaxBodyBytes = maxBodyBytes;
    }

    /// <summary>
    /// Describes a handler that binds form fields or files (<see cref="FcgiFormAttribute"/>,
    /// <see cref="FcgiFile"/>): its multipart body is read into <see cref="FcgiRequest.Form"/> as it
    /// arrives (fields into memory, files into memory or a temporary file) instead of kept as a body.
    /// </summary>
    /// <remarks>
    /// A factory rather than a constructor flag so that the multipart reader is linked into an
    /// executable only when the application has such a handler: NativeAOT keeps the code a
    /// program can reach, and only this method reaches it.
    /// </remarks>
    public static FcgiEndpoint ReadingForm(int id, string displayName, bool blocking = false, long maxBodyBytes = -1) =>
        new(id, displayName, blocking, maxBodyBytes) { FormReader = StreamingFormReader.Instance };

    private FcgiEndpoint(int id, string displayName, string? allow)
    {
        Id = id;
        DisplayName = displayName;
        Allow = allow;
        MaxBodyBytes = -1;
    }

    /// <summary>No handler matches the request: the answer is 404.</summary>
    public static FcgiEndpoint NotFound { get; } = new(NotFoundId, "404 Not Found", allow: null);

    /// <summary>The application's number for the handler; <see cref="NotFoundId"/> or <see cref="MethodNotAllowedId"/> when there is none.</summary>
    public int Id { get; }

    /// <summary>How logs and the after hook name the handler.</summary>
    public string DisplayName { get; }

    /// <summary>True when the handler runs on the server's worker threads because it may block (<c>Blocking = true</c>).</summary>
    public bool Blocking { get; }

    /// <summary>The most request body (or Filter data) bytes the handler takes; -1 for the server's limit.</summary>
    public long MaxBodyBytes { get; }

    /// <summary>True when the handler binds form fields or files (<see cref="FcgiFormAttribute"/>, <see cref="FcgiFile"/>): a multipart body is read into the form as it arrives.</summary>
    public bool ReadsForm => FormReader is not null;

    /// <summary>Reads a multipart body into the form as it arrives; null for a handler that does not bind the form.</summary>
    internal FormReader? FormReader { get; private init; }

    /// <summary>For a 405 endpoint, the methods the path allows, as the <c>Allow</c> header lists them; otherwise null.</summary>
    public string? Allow { get; }

    /// <summary>True when a handler matched (neither 404 nor 405).</summary>
    public bool IsHandler => Id >= 0;

    /// <summary>
    /// An endpoint for a path that exists but not for the request's method: the answer is 405 with
    /// <paramref name="allow"/> in the <c>Allow</c> header. Create one per distinct list, once.
    /// </summary>
    /// <param name="allow">The allowed methods, for example <c>GET, HEAD, POST</c>.</param>
    public static FcgiEndpoint MethodNotAllowed(string allow)
    {
        ArgumentException.ThrowIfNullOrEmpty(allow);
        return new FcgiEndpoint(MethodNotAllowedId, "405 Method Not Allowed (" + allow + ")", allow);
    }

    /// <inheritdoc />
    public override string ToString() => DisplayName;
}
