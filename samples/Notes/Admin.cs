using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using FastCgi.Aot;

namespace Notes;

/// <summary>The admin pages: every route here runs only after <see cref="RequireLogin"/> let it.</summary>
[FcgiRouteGroup("/admin")]
internal static class Admin
{
    /// <summary>The largest upload: more than the server's default body limit, for this route only.</summary>
    public const int MaxUploadBytes = 256 << 20;

    /// <summary>
    /// Sends a browser without a valid session to the login page. It reads the database, so every
    /// route of the group is Blocking, as the hook runs where its route runs.
    /// </summary>
    [FcgiBefore]
    public static FcgiResult? RequireLogin([FcgiCookie(Sessions.CookieName)] string? session) =>
        Sessions.IsValid(session, DateTimeOffset.UtcNow) ? null : FcgiResults.SeeOther("/login");

    [FcgiRoute("", Blocking = true)]
    public static FcgiResult Home()
    {
        List<Note> notes = NotesDatabase.ListNotes();
        List<StoredFile> files = NotesDatabase.ListFiles();
        StringBuilder html = Html.Begin("Admin");
        html.Append("<form method=\"post\" action=\"/logout\"><button>Log out</button></form>\n<h2>Notes</h2>\n<ul>\n");
        foreach (Note note in notes)
        {
            string id = note.Id.ToString(CultureInfo.InvariantCulture);
            html.Append("<li>").AppendEscaped(note.Text)
                .Append(" <form method=\"post\" action=\"/admin/notes/").Append(id).Append("/delete\"><button>Delete</button></form></li>\n");
        }

        html.Append("</ul>\n<h2>Files</h2>\n<ul>\n");
        foreach (StoredFile file in files)
        {
            html.Append("<li><a href=\"/files/").Append(file.Id.ToString(CultureInfo.InvariantCulture)).Append("\">").AppendEscaped(file.Name)
                .Append("</a> (").Append(file.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes)</li>\n");
        }

        html.Append("</ul>\n<form method=\"post\" action=\"/admin/files\" enctype=\"multipart/form-data\">\n<input type=\"file\" name=\"file\" required>\n<button>Upload</button>\n</form>\n");
        return FcgiResults.Text(Html.End(html), Html.ContentType);
    }

    [FcgiRoute("/notes/{id}/delete", Method = "POST", Blocking = true)]
    public static FcgiResult DeleteNote(long id)
    {
        NotesDatabase.DeleteNote(id);
        return FcgiResults.SeeOther("/admin");
    }

    /// <summary>
    /// Stores an uploaded file. The server has already put a large file in a temporary file; it is
    /// read from there a chunk at a time into the database, so it never sits in memory whole.
    /// </summary>
    [FcgiRoute("/files", Method = "POST", Blocking = true, MaxBodyBytes = MaxUploadBytes)]
    public static FcgiResult Upload(FcgiFile file)
    {
        StoredFile stored;
        using (Stream content = file.OpenRead())
        {
            string contentType = string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType;
            stored = NotesDatabase.SaveFile(file.FileName, contentType, content, DateTimeOffset.UtcNow);
        }

        return FcgiResults.Created("/files/" + stored.Id.ToString(CultureInfo.InvariantCulture), stored, NotesJsonContext.Default.StoredFile);
    }
}
