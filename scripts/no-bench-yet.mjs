// The benchmark arrives with its own issue (#8); until then there is nothing to measure.
console.log('bench: not there yet (see issue #8).');
