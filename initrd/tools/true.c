/* SPDX-License-Identifier: MIT */
/* true: ends with status 0 (for the shell's tests of $?). */
int main(void)
{
    return 0;
}
