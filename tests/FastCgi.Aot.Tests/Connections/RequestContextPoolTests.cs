using System.Collections.Generic;
using FastCgi.Aot.Connections;

namespace FastCgi.Aot.Tests.Connections;

public sealed class RequestContextPoolTests
{
    [Fact]
    public void TrimKeepsWhatTheBusiestMomentOfThePeriodNeeded()
    {
        var pool = new RequestContextPool();
        Burst(pool, 50);
        Assert.Equal(50, pool.Count);

        // The period that saw the burst keeps its 50; the next, quiet one lets them go.
        Assert.Equal(0, pool.Trim());
        Assert.Equal(50, pool.Count);
        Assert.Equal(49, pool.Trim());
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void TrimKeepsTheContextsStillInFlight()
    {
        var pool = new RequestContextPool();
        Burst(pool, 20);
        RequestContext held = pool.Rent();
        pool.Trim();
        pool.Trim();

        Assert.Equal(1, pool.Outstanding);
        pool.Return(held);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, pool.DoubleReturns);
    }

    [Fact]
    public void AContextReturnedTwiceIsCountedAndNotPooledAgain()
    {
        var pool = new RequestContextPool();
        RequestContext context = pool.Rent();
        pool.Return(context);
        pool.Return(context);

        Assert.Equal(1, pool.DoubleReturns);
        Assert.Equal(1, pool.Count);
        Assert.NotSame(pool.Rent(), pool.Rent());
    }

    private static void Burst(RequestContextPool pool, int count)
    {
        var rented = new List<RequestContext>();
        for (int i = 0; i < count; i++)
        {
            rented.Add(pool.Rent());
        }

        foreach (RequestContext context in rented)
        {
            pool.Return(context);
        }
    }
}
