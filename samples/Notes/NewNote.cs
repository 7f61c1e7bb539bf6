namespace Notes;

/// <summary>The body of <c>POST /api/notes</c>.</summary>
internal sealed record NewNote(string? Text);
