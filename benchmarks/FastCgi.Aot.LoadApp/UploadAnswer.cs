namespace FastCgi.Aot.LoadApp;

/// <summary>The answer of <c>POST /upload</c>: the body's length and the plain sum of its bytes.</summary>
internal sealed record UploadAnswer(long Bytes, long Sum);
