# Convenience wrappers; everything works with plain `python3 dev.py ...` too.
.PHONY: run test setup evaluate model bench

run:        ## serve the shipped model on http://127.0.0.1:8000
	python3 dev.py run

test:       ## run the test suite
	python3 dev.py test

setup:      ## create .venv with the pinned dependencies
	python3 dev.py setup

evaluate:   ## baseline vs Slant on the shared evaluation protocols
	.venv/bin/slant evaluate

model:      ## retrain the shipped model in model/ from ../shared/corpora
	.venv/bin/slant train --out model
