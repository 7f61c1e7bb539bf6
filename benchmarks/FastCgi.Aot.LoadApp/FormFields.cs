using System;
using System.Diagnostics.CodeAnalysis;

namespace FastCgi.Aot.LoadApp;

/// <summary>
/// Binds the ten fields of the form shape from an <c>application/x-www-form-urlencoded</c> body
/// with today's public helpers: the body has the query string's syntax, so
/// <see cref="FcgiBinding.TryGetQueryValue"/> finds each field and the binding helpers decode and
/// parse it, as the generated binder does for query parameters.
/// </summary>
/// <remarks>
/// When <c>[FcgiForm]</c> lands, <see cref="LoadRoutes.Form"/> becomes
/// <c>Form([FcgiForm] string name, [FcgiForm] string email, [FcgiForm] int age, …) => new(name, email, age, …)</c>
/// and this type goes.
/// </remarks>
internal static class FormFields
{
    /// <summary>False when a field is missing or does not parse (the route then answers 400).</summary>
    public static bool TryBind(ReadOnlySpan<byte> body, [NotNullWhen(true)] out FormAnswer? answer)
    {
        answer = null;
        if (!TryGetString(body, "name"u8, out string? name) ||
            !TryGetString(body, "email"u8, out string? email) ||
            !TryGetInt(body, "age"u8, out int age) ||
            !TryGetString(body, "city"u8, out string? city) ||
            !TryGetString(body, "country"u8, out string? country) ||
            !TryGetString(body, "lang"u8, out string? lang) ||
            !FcgiBinding.TryGetQueryValue(body, "newsletter"u8, out ReadOnlySpan<byte> newsletterRaw) ||
            !FcgiBinding.TryParseBoolean(newsletterRaw, FcgiValueEncoding.Query, out bool newsletter) ||
            !TryGetString(body, "plan"u8, out string? plan) ||
            !TryGetInt(body, "seats"u8, out int seats) ||
            !TryGetString(body, "comment"u8, out string? comment))
        {
            return false;
        }

        answer = new FormAnswer(name, email, age, city, country, lang, newsletter, plan, seats, comment);
        return true;
    }

    private static bool TryGetString(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key, [NotNullWhen(true)] out string? value)
    {
        value = FcgiBinding.TryGetQueryValue(body, key, out ReadOnlySpan<byte> raw) ? FcgiBinding.GetString(raw, FcgiValueEncoding.Query) : null;
        return value is not null;
    }

    private static bool TryGetInt(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key, out int value)
    {
        value = 0;
        return FcgiBinding.TryGetQueryValue(body, key, out ReadOnlySpan<byte> raw) &&
            FcgiBinding.TryParseUtf8(raw, FcgiValueEncoding.Query, out value);
    }
}
