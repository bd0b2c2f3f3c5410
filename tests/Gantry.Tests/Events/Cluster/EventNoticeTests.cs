using System.Text;
using Gantry.Events;
using Gantry.Events.Cluster;

namespace Gantry.Tests.Events.Cluster;

public sealed class EventNoticeTests
{
    private static readonly Guid Job = Guid.Parse("0b0c7f7e-8d6e-4b1a-9a51-3f5c2f1d2e01");

    [Fact]
    public void A_small_text_frame_is_one_notification_and_reads_back_the_same()
    {
        var frame = EventFrame.Text("progress", Job, Encoding.UTF8.GetBytes("""{"type":"progress","data":{"value":1,"max":3}}"""));

        var notices = EventNotice.ForFrame("a", 1, 42, frame);

        notices.Count.ShouldBe(1);
        var arrival = new EventNoticeReader(maxPieces: 10).Accept(EventNotice.Parse(notices[0].Format())!).ShouldNotBeNull();
        arrival.UserId.ShouldBe(42);
        arrival.Frame.ShouldNotBeNull().Type.ShouldBe("progress");
        arrival.Frame.JobId.ShouldBe(Job);
        arrival.Frame.Payload.ToArray().ShouldBe(frame.Payload.ToArray());
    }

    [Fact]
    public void A_big_binary_frame_goes_in_pieces_each_under_the_payload_limit_and_is_joined_by_the_last()
    {
        var payload = new byte[100_000];
        new Random(7).NextBytes(payload);
        var notices = EventNotice.ForFrame("a", 10, 42, EventFrame.Binary(Job, payload));
        var texts = notices.Select(n => n.Format()).ToList();

        texts.Count.ShouldBeGreaterThan(10);
        texts.ShouldAllBe(t => Encoding.UTF8.GetByteCount(t) < 8000);
        var reader = new EventNoticeReader(maxPieces: 100);
        var arrivals = texts.Select(t => reader.Accept(EventNotice.Parse(t)!)).ToList();

        arrivals.Take(texts.Count - 1).ShouldAllBe(a => a == null);
        var frame = arrivals[^1].ShouldNotBeNull().Frame.ShouldNotBeNull();
        frame.IsBinary.ShouldBeTrue();
        frame.Payload.ToArray().ShouldBe(payload);
        reader.Gaps.ShouldBe(0);
    }

    [Fact]
    public void A_missing_piece_drops_its_frame_and_counts_the_gap_and_the_next_frame_arrives()
    {
        var big = EventNotice.ForFrame("a", 1, 42, EventFrame.Binary(Job, new byte[20_000]));
        var next = EventNotice.ForFrame("a", 1 + big.Count, 42, EventFrame.Text("executing", Job, "{}"u8.ToArray()));
        var reader = new EventNoticeReader(maxPieces: 100);

        reader.Accept(big[0]).ShouldBeNull();
        reader.Accept(big[2]).ShouldBeNull();
        reader.Accept(next[0]).ShouldNotBeNull().Frame.ShouldNotBeNull().Type.ShouldBe("executing");
        big.Count.ShouldBe(4);
        reader.Gaps.ShouldBe(2);
    }

    [Fact]
    public void A_repeated_notification_is_dropped_and_senders_are_numbered_apart()
    {
        var reader = new EventNoticeReader(maxPieces: 10);
        var first = EventNotice.ForFrame("a", 5, 1, EventFrame.Text("x", Job, "{}"u8.ToArray()))[0];
        var other = EventNotice.ForFrame("b", 1, 1, EventFrame.Text("x", Job, "{}"u8.ToArray()))[0];

        reader.Accept(first).ShouldNotBeNull();
        reader.Accept(first).ShouldBeNull();
        reader.Accept(other).ShouldNotBeNull();
        reader.Duplicates.ShouldBe(1);
        reader.Gaps.ShouldBe(0);
    }

    [Fact]
    public void A_job_change_reads_back_and_odd_types_survive_the_text_form()
    {
        var change = new EventNotice { Sender = "a", Sequence = 3, Kind = EventNoticeKind.JobChanged, UserId = 9, JobId = Job, State = Gantry.Domain.JobState.Cancelled };
        var parsed = EventNotice.Parse(change.Format()).ShouldNotBeNull();
        parsed.Kind.ShouldBe(EventNoticeKind.JobChanged);
        parsed.JobId.ShouldBe(Job);
        parsed.UserId.ShouldBe(9);
        parsed.State.ShouldBe(Gantry.Domain.JobState.Cancelled);

        var odd = EventNotice.ForFrame("a", 4, 9, EventFrame.Text("a|b é%", Job, "{}"u8.ToArray()))[0];
        EventNotice.Parse(odd.Format()).ShouldNotBeNull().Type.ShouldBe("a|b é%");
    }

    [Fact]
    public void A_job_change_from_an_older_instance_without_its_state_is_still_read_and_arrives_without_one()
    {
        var parsed = EventNotice.Parse("a|3|j|9|" + Job.ToString("N")).ShouldNotBeNull();

        parsed.State.ShouldBeNull();
        new EventNoticeReader(4).Accept(parsed).ShouldNotBeNull().State.ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a|1|j|1|0b0c7f7e8d6e4b1a9a513f5c2f1d2e01|99")]
    [InlineData("a|1|j|1|0b0c7f7e8d6e4b1a9a513f5c2f1d2e01|-1")]
    [InlineData("a|1|j|1|0b0c7f7e8d6e4b1a9a513f5c2f1d2e01|x")]
    [InlineData("a|1|j|1|0b0c7f7e8d6e4b1a9a513f5c2f1d2e01|1|2")]
    [InlineData("a|1|f|1")]
    [InlineData("a|1|f|1|0b0c7f7e8d6e4b1a9a513f5c2f1d2e01|t|2|2|x|AA==")]
    [InlineData("a|-1|j|1|0b0c7f7e8d6e4b1a9a513f5c2f1d2e01")]
    [InlineData("a|1|q|1|0b0c7f7e8d6e4b1a9a513f5c2f1d2e01")]
    public void Text_that_is_no_notice_of_this_version_is_refused(string text) => EventNotice.Parse(text).ShouldBeNull();

    [Fact]
    public void A_frame_without_a_job_or_with_a_type_past_the_bound_is_not_relayed()
    {
        EventNotice.ForFrame("a", 1, 1, EventFrame.Text("status", null, "{}"u8.ToArray())).ShouldBeEmpty();
        EventNotice.ForFrame("a", 1, 1, EventFrame.Text(new string('t', EventNotice.MaxTypeChars + 1), Job, "{}"u8.ToArray())).ShouldBeEmpty();
        EventNotice.ForFrame("a", 1, 1, EventFrame.Text(new string('t', EventNotice.MaxTypeChars), Job, "{}"u8.ToArray())).Count.ShouldBe(1);
    }
}
