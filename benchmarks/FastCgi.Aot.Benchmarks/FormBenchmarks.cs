using System;
using BenchmarkDotNet.Attributes;

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// A 10-field urlencoded form (a query string or a body: one syntax) with a repeated key, as a
/// <c>string[] tag</c> binder and the server's field limit read it. Both rows show 0 B (measured
/// with <c>--job short</c>): the enumerators are ref structs over the caller's bytes.
/// </summary>
[MemoryDiagnoser]
public class FormBenchmarks
{
    private readonly byte[] _form =
        "title=Shopping+list&tag=home&body=milk%2C+eggs%2C+bread&tag=errands&due=2026-12-24&tag=food&priority=2&done=false&owner=j%C3%BCrgen&tag=weekly"u8.ToArray();

    [GlobalSetup]
    public void Setup()
    {
        // The rows must walk the whole form and find every value, not stop early.
        if (FcgiBinding.CountFormFields(_form) != 10 || RepeatedValues() != "homeerrandsfoodweekly".Length)
        {
            throw new InvalidOperationException("The form did not read as 10 fields with 4 tags.");
        }
    }

    /// <summary>Every value of <c>tag</c> (4 of the 10 fields), still encoded.</summary>
    [Benchmark]
    public int RepeatedValues()
    {
        int length = 0;
        foreach (ReadOnlySpan<byte> value in FcgiBinding.EnumerateFormValues(_form, "tag"u8))
        {
            length += value.Length;
        }

        return length;
    }

    [Benchmark]
    public int CountFields() => FcgiBinding.CountFormFields(_form);
}
