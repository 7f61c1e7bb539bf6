using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using FastCgi.Aot;

namespace Notes;

/// <summary>The HTML pages anyone may see: the notes with a form to add one, and the login.</summary>
internal static class Pages
{
    /// <summary>The longest note, in characters.</summary>
    public const int MaxNoteLength = 10_000;

    [FcgiRoute("/", Blocking = true)]
    public static FcgiResult Home()
    {
        List<Note> notes = NotesDatabase.ListNotes();
        StringBuilder html = Html.Begin("Notes");
        html.Append("<form method=\"post\" action=\"/notes\">\n<textarea name=\"text\" rows=\"3\" cols=\"60\" required></textarea>\n<button>Add</button>\n</form>\n<ul>\n");
        foreach (Note note in notes)
        {
            html.Append("<li id=\"note-").Append(note.Id.ToString(CultureInfo.InvariantCulture)).Append("\">").AppendEscaped(note.Text).Append("</li>\n");
        }

        html.Append("</ul>\n");
        return FcgiResults.Text(Html.End(html), Html.ContentType);
    }

    /// <summary>The form's POST; 303 back to the list, so reloading it does not post again.</summary>
    [FcgiRoute("/notes", Method = "POST", Blocking = true)]
    public static FcgiResult Add([FcgiForm] string text)
    {
        if (ValidateNote(text) is { } problem)
        {
            return ErrorPage(400, problem);
        }

        NotesDatabase.AddNote(text, DateTimeOffset.UtcNow);
        return FcgiResults.SeeOther("/");
    }

    [FcgiRoute("/login")]
    public static FcgiResult LoginForm() => LoginPage(200, null);

    [FcgiRoute("/login", Method = "POST", Blocking = true)]
    public static FcgiResult LogIn([FcgiForm] string password, FcgiRequest request)
    {
        if (!Sessions.IsAdminPassword(password))
        {
            return LoginPage(401, "Wrong password.");
        }

        string token = Sessions.Start(DateTimeOffset.UtcNow);
        return FcgiResults.SeeOther("/admin")
            .WithCookie(Sessions.CookieName, token, Sessions.CookieOptions(request, NotesSettings.SessionLifetime.Value));
    }

    /// <summary>Ends the session in the database, not only in the browser: a copied cookie stops working too.</summary>
    [FcgiRoute("/logout", Method = "POST", Blocking = true)]
    public static FcgiResult LogOut([FcgiCookie(Sessions.CookieName)] string? session, FcgiRequest request)
    {
        Sessions.End(session);
        return FcgiResults.SeeOther("/").DeleteCookie(Sessions.CookieName, Sessions.CookieOptions(request, null));
    }

    /// <summary>Why <paramref name="text"/> cannot be a note, or null when it can.</summary>
    public static string? ValidateNote(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "A note needs some text."
        : text.Length > MaxNoteLength ? $"A note has at most {MaxNoteLength} characters."
        : null;

    public static FcgiResult ErrorPage(int statusCode, string message)
    {
        StringBuilder html = Html.Begin("Notes");
        html.Append("<p role=\"alert\">").AppendEscaped(message).Append("</p>\n");
        return FcgiResults.Text(Html.End(html), Html.ContentType, statusCode);
    }

    private static FcgiResult LoginPage(int statusCode, string? message)
    {
        StringBuilder html = Html.Begin("Log in");
        if (message is not null)
        {
            html.Append("<p role=\"alert\">").AppendEscaped(message).Append("</p>\n");
        }

        html.Append("<form method=\"post\" action=\"/login\">\n<label>Password <input type=\"password\" name=\"password\" required></label>\n<button>Log in</button>\n</form>\n");
        return FcgiResults.Text(Html.End(html), Html.ContentType, statusCode);
    }
}
