using System.Threading.Tasks;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot.Http;

/// <summary>
/// Reads a request's body into its form as the body arrives, for an endpoint made with
/// <see cref="FcgiEndpoint.ReadingForm"/>. Abstract, and called virtually by the request, so that
/// an application with no such endpoint never constructs one and the multipart reader behind it
/// is left out of the executable.
/// </summary>
internal abstract class FormReader
{
    /// <summary>Starts reading when the body is a multipart form; false when it is not one (the body is then kept as a body).</summary>
    /// <param name="form">The request's form, to read into.</param>
    /// <param name="contentType">The request's CONTENT_TYPE.</param>
    /// <param name="spool">Where file parts past the threshold go.</param>
    /// <param name="maxFormFields">The most fields and parts.</param>
    /// <param name="malformed">True when the body claims to be multipart but its boundary is invalid (answer 400).</param>
    public abstract bool TryBegin(FcgiForm form, System.ReadOnlySpan<byte> contentType, SpoolSettings spool, int maxFormFields, out bool malformed);

    public abstract FormStatus Append(FcgiForm form, System.ReadOnlySpan<byte> content);

    public abstract FormStatus Complete(FcgiForm form);

    public abstract bool HasPendingWrites(FcgiForm form);

    public abstract ValueTask FlushAsync(FcgiForm form);

    public abstract void Flush(FcgiForm form);
}

/// <summary>The one <see cref="FormReader"/>: multipart/form-data through <see cref="MultipartReader"/>.</summary>
internal sealed class StreamingFormReader : FormReader
{
    public static StreamingFormReader Instance { get; } = new();

    public override bool TryBegin(FcgiForm form, System.ReadOnlySpan<byte> contentType, SpoolSettings spool, int maxFormFields, out bool malformed)
    {
        malformed = false;
        if (!MediaTypeHeader.MediaTypeEquals(contentType, "multipart/form-data"u8))
        {
            return false;
        }

        malformed = !form.BeginMultipart(contentType, spool, maxFormFields);
        return true;
    }

    public override FormStatus Append(FcgiForm form, System.ReadOnlySpan<byte> content) => form.Append(content);

    public override FormStatus Complete(FcgiForm form) => form.Complete();

    public override bool HasPendingWrites(FcgiForm form) => form.HasPendingWrites;

    public override ValueTask FlushAsync(FcgiForm form) => form.FlushAsync();

    public override void Flush(FcgiForm form) => form.Flush();
}
