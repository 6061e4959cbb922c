"""The write services of election day, by part: a poll's life (`lifecycle`), its set-up and
check-in (`setup`), the count entered twice (`entry`), the closing (`closing`) and the hall's
display links (`display`)."""
