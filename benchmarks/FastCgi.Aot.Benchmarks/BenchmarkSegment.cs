using System;
using System.Buffers;

namespace FastCgi.Aot.Benchmarks;

/// <summary>A link of a segment chain, to model bytes that arrived in several socket reads.</summary>
internal sealed class BenchmarkSegment : ReadOnlySequenceSegment<byte>
{
    private BenchmarkSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>Copies <paramref name="data"/> into separate segments of <paramref name="size"/> bytes.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int size)
    {
        var first = new BenchmarkSegment(data.AsSpan(0, Math.Min(size, data.Length)).ToArray(), 0);
        BenchmarkSegment last = first;
        for (int position = size; position < data.Length; position += size)
        {
            var next = new BenchmarkSegment(data.AsSpan(position, Math.Min(size, data.Length - position)).ToArray(), position);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
