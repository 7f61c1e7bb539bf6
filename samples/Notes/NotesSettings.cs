using System;
using FastCgi.Aot;

namespace Notes;

/// <summary>The sample's own command-line options, beside the server's (<c>notes --help</c> lists both).</summary>
internal static class NotesSettings
{
    public static readonly FcgiAppOptions Options = new();

    public static readonly FcgiAppOption<string> Db = Options.AddPath(
        "--db", "the SQLite database file, created when missing", environmentVariable: "NOTES_DB", required: true);

    public static readonly FcgiAppOption<string> AdminPassword = Options.AddString(
        "--admin-password", "the password of /login; without one nobody can log in",
        environmentVariable: "NOTES_ADMIN_PASSWORD", placeholder: "PASSWORD");

    public static readonly FcgiAppOption<TimeSpan> SessionLifetime = Options.AddSeconds(
        "--session-lifetime", "how long a login lasts", defaultValue: TimeSpan.FromHours(12));
}
