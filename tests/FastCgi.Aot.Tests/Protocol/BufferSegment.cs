using System;
using System.Buffers;
using System.Collections.Generic;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>A link of a hand-built segment chain, so a test controls exactly where a sequence is cut.</summary>
internal sealed class BufferSegment : ReadOnlySequenceSegment<byte>
{
    public BufferSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

    public BufferSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new BufferSegment(memory) { RunningIndex = RunningIndex + Memory.Length };
        Next = next;
        return next;
    }

    /// <summary>
    /// Cuts <paramref name="data"/> at the given ascending positions into separately allocated
    /// segments; a repeated position makes an empty segment.
    /// </summary>
    public static ReadOnlySequence<byte> CreateSequence(byte[] data, IReadOnlyList<int> cuts)
    {
        int start = 0;
        BufferSegment? first = null;
        BufferSegment? last = null;
        for (int i = 0; i <= cuts.Count; i++)
        {
            int end = i < cuts.Count ? cuts[i] : data.Length;
            byte[] copy = data.AsSpan(start, end - start).ToArray();
            last = last is null ? first = new BufferSegment(copy) : last.Append(copy);
            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>Cuts <paramref name="data"/> into segments of <paramref name="size"/> bytes, with an empty segment after each.</summary>
    public static ReadOnlySequence<byte> CreateSequence(byte[] data, int size, bool withEmptySegments)
    {
        var cuts = new List<int>();
        for (int position = size; position < data.Length; position += size)
        {
            cuts.Add(position);
            if (withEmptySegments)
            {
                cuts.Add(position);
            }
        }

        return CreateSequence(data, cuts);
    }
}
