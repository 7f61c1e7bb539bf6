using System;
using System.Collections.Generic;
using System.Globalization;
using FastCgi.Aot;

namespace Notes;

/// <summary>The JSON API. Reading and adding notes is open, as on the HTML page; deleting needs a login.</summary>
[FcgiRouteGroup("/api")]
internal static class Api
{
    [FcgiRoute("/notes", Blocking = true)]
    public static List<Note> List() => NotesDatabase.ListNotes();

    /// <summary>The note, or 404 (a null result).</summary>
    [FcgiRoute("/notes/{id}", Blocking = true)]
    public static Note? Get(long id) => NotesDatabase.GetNote(id);

    [FcgiRoute("/notes", Method = "POST", Blocking = true)]
    public static FcgiResult Create(NewNote note)
    {
        if (Pages.ValidateNote(note.Text) is { } problem)
        {
            return FcgiResults.BadRequest(problem);
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        long id = NotesDatabase.AddNote(note.Text!, now);
        var created = new Note(id, note.Text!, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));
        return FcgiResults.Created("/api/notes/" + id.ToString(CultureInfo.InvariantCulture), created, NotesJsonContext.Default.Note);
    }

    /// <summary>
    /// Deletes a note: the admin's session cookie is checked here rather than by a group's hook,
    /// since the rest of the API is open.
    /// </summary>
    [FcgiRoute("/notes/{id}", Method = "DELETE", Blocking = true)]
    public static FcgiResult Delete(long id, [FcgiCookie(Sessions.CookieName)] string? session)
    {
        if (!Sessions.IsValid(session, DateTimeOffset.UtcNow))
        {
            return FcgiResults.Unauthorized("Log in first.\n");
        }

        return NotesDatabase.DeleteNote(id) ? FcgiResults.NoContent() : FcgiResults.NotFound();
    }
}
