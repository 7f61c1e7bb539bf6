using System;

namespace FastCgi.Aot.Internal;

/// <summary>
/// Checks response header names and values: a CR or LF would let a value start a header of its
/// own (response splitting), so they are refused, as is NUL.
/// </summary>
internal static class FcgiResponseHeaders
{
    public static void ValidateName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            throw new ArgumentException("A header name cannot be empty.", nameof(name));
        }

        foreach (char c in name)
        {
            if (c <= ' ' || c >= 0x7F || c == ':')
            {
                throw new ArgumentException($"The header name '{name.ToString()}' holds a character not allowed in a header name.", nameof(name));
            }
        }
    }

    public static void ValidateName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            throw new ArgumentException("A header name cannot be empty.", nameof(name));
        }

        foreach (byte c in name)
        {
            if (c <= ' ' || c >= 0x7F || c == ':')
            {
                throw new ArgumentException("The header name holds a character not allowed in a header name.", nameof(name));
            }
        }
    }

    public static void Validate(ReadOnlySpan<char> value, string paramName)
    {
        if (value.IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("A header value cannot contain CR, LF or NUL.", paramName);
        }
    }

    public static void Validate(ReadOnlySpan<byte> value, string paramName)
    {
        if (value.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
        {
            throw new ArgumentException("A header value cannot contain CR, LF or NUL.", paramName);
        }
    }
}
