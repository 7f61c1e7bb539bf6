using System;

namespace FastCgi.Aot.LoadApp;

/// <summary>
/// The body of the large-response shape: 1 MiB built once at start, byte i being
/// <c>Alphabet[i % 64]</c>, as every contender builds it; <c>GET /bytes/{n}</c> answers its first n bytes.
/// </summary>
internal static class Payload
{
    public const int MaxLength = 1 << 20;

    public static readonly byte[] Bytes = Build();

    private static byte[] Build()
    {
        ReadOnlySpan<byte> alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"u8;
        byte[] bytes = new byte[MaxLength];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = alphabet[i & 63];
        }

        return bytes;
    }
}
