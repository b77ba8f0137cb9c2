// Browser tests arrive with the sandbox web page (issue 5); until then there is nothing to run.
console.log('test:e2e: no browser tests yet (they come with the sandbox web page).');
