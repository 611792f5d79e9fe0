using SparsityBounds.Numerics;

namespace SparsityBounds.Tests.Numerics;

[TestFixture]
public class ChunkSchedulerTests
{
    private sealed class CountingJob(int chunks) : IChunkJob
    {
        public readonly int[] Runs = new int[chunks];
        public readonly int[] Threads = new int[chunks];
        public Action<int>? Extra;

        public void RunChunk(int chunk)
        {
            Interlocked.Increment(ref Runs[chunk]);
            Threads[chunk] = Environment.CurrentManagedThreadId;
            Thread.SpinWait(20_000);
            Extra?.Invoke(chunk);
        }
    }

    [Test]
    public void Run_ExecutesEveryChunkExactlyOnce([Values(1, 2, 7, 64)] int chunks, [Values(0, 1, 3)] int maxDegree)
    {
        var job = new CountingJob(chunks);
        for (int repeat = 0; repeat < 3; repeat++) ChunkScheduler.Run(job, chunks, maxDegree);
        Assert.That(job.Runs, Is.All.EqualTo(3));
    }

    [Test]
    public void Run_WithOneThread_StaysOnTheCallingThread()
    {
        var job = new CountingJob(10);
        ChunkScheduler.Run(job, 10, maxDegreeOfParallelism: 1);
        Assert.That(job.Threads, Is.All.EqualTo(Environment.CurrentManagedThreadId));
    }

    [Test]
    public void Run_OnTheCallingThreadAlone_RunsLastFirstWhenAsked_OnlyThen()
    {
        var order = new List<int>();
        var job = new CountingJob(6) { Extra = order.Add };
        ChunkScheduler.Run(job, 6, maxDegreeOfParallelism: 1, lastFirstWhenSequential: true);
        Assert.That(order, Is.EqualTo(new[] { 5, 4, 3, 2, 1, 0 }));
        order.Clear();
        ChunkScheduler.Run(job, 6, maxDegreeOfParallelism: 1);
        Assert.That(order, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }));
        // Nested inside a chunk (workers busy) the inner job also runs on its caller alone, so the order applies there too.
        var inner = new List<int>();
        var outer = new CountingJob(2) { Extra = c => { if (c == 0) ChunkScheduler.Run(new CountingJob(4) { Extra = inner.Add }, 4, 0, lastFirstWhenSequential: true); } };
        ChunkScheduler.Run(outer, 2, 0);
        Assert.That(inner, Is.EqualTo(new[] { 3, 2, 1, 0 }));
    }

    [Test]
    public void Run_RethrowsTheFirstChunkException_AndStaysUsable()
    {
        var failing = new CountingJob(8) { Extra = c => { if (c == 5) throw new InvalidOperationException("chunk 5"); } };
        Assert.That(() => ChunkScheduler.Run(failing, 8, 0), Throws.InvalidOperationException.With.Message.EqualTo("chunk 5"));
        var job = new CountingJob(8);
        ChunkScheduler.Run(job, 8, 0);
        Assert.That(job.Runs, Is.All.EqualTo(1));
    }

    [Test]
    public void Run_NestedInsideAChunk_RunsInline()
    {
        var inner = new CountingJob(4 * 6);
        var outer = new CountingJob(6) { Extra = c => ChunkScheduler.Run(new SliceJob(inner, 4 * c), 4, 0) };
        ChunkScheduler.Run(outer, 6, 0);
        Assert.That(outer.Runs, Is.All.EqualTo(1));
        Assert.That(inner.Runs, Is.All.EqualTo(1));
    }

    [Test]
    public void Run_FromConcurrentCallers_CompletesEveryJob()
    {
        var jobs = Enumerable.Range(0, 6).Select(_ => new CountingJob(9)).ToArray();
        Parallel.ForEach(jobs, job => ChunkScheduler.Run(job, 9, 0));
        Assert.That(jobs.SelectMany(j => j.Runs), Is.All.EqualTo(1));
    }

    private sealed class SliceJob(CountingJob target, int offset) : IChunkJob
    {
        public void RunChunk(int chunk) => target.RunChunk(offset + chunk);
    }
}
