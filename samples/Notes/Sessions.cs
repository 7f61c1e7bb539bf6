using System;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FastCgi.Aot;

namespace Notes;

/// <summary>
/// Logins: a random token in an HttpOnly cookie, and only its SHA-256 hash in the database, so a
/// copy of the database logs nobody in.
/// </summary>
internal static class Sessions
{
    public const string CookieName = "notes_session";

    private const int TokenBytes = 32;

    /// <summary>Whether <paramref name="password"/> is the admin password; false for everyone when none is set.</summary>
    public static bool IsAdminPassword(string password)
    {
        string? expected = NotesSettings.AdminPassword.HasValue ? NotesSettings.AdminPassword.Value : null;
        if (string.IsNullOrEmpty(expected))
        {
            return false;
        }

        // Hashes of both, so that the comparison takes as long whatever the lengths:
        // FixedTimeEquals answers at once when the lengths differ.
        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> wanted = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(password), given);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), wanted);
        return CryptographicOperations.FixedTimeEquals(given, wanted);
    }

    /// <summary>Starts a session and returns its token, the cookie's value (base64url: cookie-safe as it is).</summary>
    public static string Start(DateTimeOffset now)
    {
        Span<byte> token = stackalloc byte[TokenBytes];
        RandomNumberGenerator.Fill(token);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(token, hash);
        NotesDatabase.AddSession(hash, now + NotesSettings.SessionLifetime.Value, now);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>Whether <paramref name="token"/> is a session that has not expired.</summary>
    public static bool IsValid(string? token, DateTimeOffset now)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        return TryHash(token, hash) && NotesDatabase.HasSession(hash, now);
    }

    /// <summary>Ends the session of <paramref name="token"/>, if there is one.</summary>
    public static void End(string? token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (TryHash(token, hash))
        {
            NotesDatabase.DeleteSession(hash);
        }
    }

    /// <summary>
    /// The cookie's attributes: HttpOnly (scripts cannot read it), SameSite=Lax (not sent with
    /// another site's POST, which is the sample's defence against cross-site request forgery),
    /// Secure when the request came over HTTPS. Deleting it needs the same Path.
    /// </summary>
    public static FcgiCookieOptions CookieOptions(FcgiRequest request, TimeSpan? maxAge) => new()
    {
        Path = "/",
        HttpOnly = true,
        SameSite = FcgiSameSite.Lax,
        Secure = request.TryGetParam("HTTPS"u8, out ReadOnlySpan<byte> https) && https.SequenceEqual("on"u8),
        MaxAge = maxAge,
    };

    private static bool TryHash(string? token, Span<byte> hash)
    {
        Span<byte> bytes = stackalloc byte[TokenBytes];
        if (token is null || token.Length != Base64Url.GetEncodedLength(TokenBytes) ||
            !Base64Url.TryDecodeFromChars(token, bytes, out int written) || written != TokenBytes)
        {
            return false;
        }

        SHA256.HashData(bytes, hash);
        return true;
    }
}
